import { randomBytes } from 'node:crypto';

/**
 * Callback data of a card's buttons: `p:<id>:<action>`. The id is random and unguessable; the action
 * is a short code (`a`, `s`, `d`, …) whose meaning the pending card knows. Nothing of the decision's
 * content (the command, the path, the rule) travels in it, and it always fits Telegram's 64 bytes.
 */

const PREFIX = 'p';
const ID_BYTES = 12;
const CALLBACK_DATA = /^p:([A-Za-z0-9_-]{16,43}):([a-z0-9.]{1,8})$/;
export const MAX_CALLBACK_DATA_BYTES = 64;

/** A fresh card id: 12 random bytes, base64url (16 characters). */
export const newCardId = (): string => randomBytes(ID_BYTES).toString('base64url');

/** `callbackData('Xy…', 'a')` is `p:Xy…:a`. Throws on an action or id that would not read back. */
export function callbackData(id: string, action: string): string {
  const data = `${PREFIX}:${id}:${action}`;
  if (!CALLBACK_DATA.test(data) || Buffer.byteLength(data) > MAX_CALLBACK_DATA_BYTES) {
    throw new Error(`not valid card callback data: ${JSON.stringify(data)}`);
  }
  return data;
}

/** The card id and action of a button press, or undefined for data that is not a card's. */
export function parseCallbackData(data: string): { id: string; action: string } | undefined {
  const match = CALLBACK_DATA.exec(data);
  return match ? { id: match[1] as string, action: match[2] as string } : undefined;
}
