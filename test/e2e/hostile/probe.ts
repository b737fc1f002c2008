// What a hostile-input case can do and expect. The table (cases-*.ts) is data over this; the test
// file (hostile-inputs.test.ts) runs it against one bot.
import type { BotMessage, FakeTelegram, Update } from '../../fakes/telegram/index.ts';
import type { World } from '../harness.ts';

export const LISTED_GROUP = -1_001_000_000_501;
export const UNLISTED_GROUP = -1_001_000_000_502;
export const OTHER_UNLISTED_GROUP = -1_001_000_000_503;
/** The bot's download cap in this test (MAX_DOWNLOAD_MB), so an oversize file stays cheap. */
export const DOWNLOAD_LIMIT_MB = 1;

export interface Probe {
  world: World;
  tg: FakeTelegram;
  /** The owner writes in their private chat. */
  owner(text: string): Update;
  /** Session files: `sessionPath('alpha', 'metadata.json')`. */
  sessionPath(...parts: string[]): string;
  /** The newest bot message in `chat` with inline buttons whose text matches. */
  messageWithButtons(chat: number, text: RegExp): BotMessage;
  /** Every button's callback_data on a message as it is now. */
  buttonData(chat: number, messageId: number): string[];
  /** Card buttons remembered by earlier cases (the approval card's Deny, for a replay later). */
  saved: Map<string, { messageId: number; data: string }>;
}

/** Exactly this text, text matching this, or a message this accepts. */
export type ReplyMatch = string | RegExp | ((message: BotMessage) => boolean);

export type Expected =
  /** The next bot message in `chat` (default: the owner's) is exactly this, or matches it. */
  | { reply: ReplyMatch; chat?: number }
  /** Several bot messages in order, each exactly or matching. */
  | { replies: ReplyMatch[]; chat?: number }
  /** The toast that answers the button press the input made (its callback query). */
  | { toast: string | RegExp }
  /** Nothing at all in `chat`. */
  | { silence: number };

export interface HostileCase {
  name: string;
  input(probe: Probe): Update | Update[] | undefined | Promise<Update | Update[] | undefined>;
  expect: Expected;
  /** More to check once the expected reply arrived (the new messages in the chat it was awaited in). */
  after?(probe: Probe, newMessages: BotMessage[]): void | Promise<void>;
  /** Longer than the default 20 s: a turn with the real CLI on a busy machine. */
  timeoutMs?: number;
}

export interface CaseGroup {
  name: string;
  /** Every input in it is refused or ignored: each must leave an audit line in the log. */
  audited?: boolean;
  cases: HostileCase[];
}

/** Characters that hide or disguise text: C0 controls but newline and tab, DEL, and U+202E. */
export function hidingCharacters(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (code < 0x20 && char !== '\n' && char !== '\t') || code === 0x7f || code === 0x202e;
  });
}
