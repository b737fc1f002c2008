// Shared pieces of every bot-side method: the error type, parameter validation with Telegram-like
// messages, chat lookup and the flood-limit gate.
import type { z } from 'zod';
import type { RateLimiter } from './limits.ts';
import { intParam, type UploadedFile } from './params.ts';
import type { ChatInfo, FakeTelegramState } from './state.ts';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

export interface MethodContext {
  state: FakeTelegramState;
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
  rateLimiter: RateLimiter | null;
  /** Resolves when the client hangs up, so long polls can stop waiting. */
  clientGone: Promise<void>;
}

export type MethodHandler = (ctx: MethodContext) => unknown;

/** Validates parameters; names the first offending field the way the Bot API does. */
export function validate<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'parameters');
  if (params[field] === undefined || params[field] === '') throw badRequest(`${field} is empty`);
  throw badRequest(`wrong parameter ${field} specified`);
}

export function requireChat(ctx: MethodContext): ChatInfo {
  const raw = ctx.params.chat_id;
  if (raw === undefined || raw === '') throw badRequest('chat_id is empty');
  const parsed = intParam.safeParse(raw);
  const chat = parsed.success ? ctx.state.chats.get(parsed.data) : undefined;
  if (!chat) throw badRequest('chat not found');
  return chat;
}

/** Flood control: counts one send toward the chat's and the bot's limits. */
export function consumeRate(ctx: MethodContext, chatId: number): void {
  const decision = ctx.rateLimiter?.tryConsume(chatId);
  if (decision && !decision.allowed) {
    throw new ApiError(429, `Too Many Requests: retry after ${decision.retryAfter}`, {
      retry_after: decision.retryAfter,
    });
  }
}
