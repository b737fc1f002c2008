import { z } from 'zod';
import type { ToolResult } from './types.ts';

const contentBlock = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(contentBlock)]);

const messageSchema = z.looseObject({ role: z.string(), content });

const requestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema),
  system: z
    .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))])
    .optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  stream: z.boolean().optional(),
  max_tokens: z.number().optional(),
});

export type ApiMessage = z.infer<typeof messageSchema>;
type ContentBlock = z.infer<typeof contentBlock>;

export interface ParsedRequest {
  model: string;
  /** The system prompt, text blocks joined with newlines. */
  system: string;
  messages: ApiMessage[];
  /** Names of the tools offered to the model. */
  tools: string[];
  stream: boolean;
  /** The body exactly as sent. */
  body: unknown;
}

export function parseMessagesRequest(raw: string): ParsedRequest {
  const body: unknown = JSON.parse(raw);
  const request = requestSchema.parse(body);
  const system =
    typeof request.system === 'string'
      ? request.system
      : (request.system ?? []).map((block) => block.text ?? '').join('\n');
  return {
    model: request.model,
    system,
    messages: request.messages,
    tools: (request.tools ?? []).map((tool) => tool.name),
    stream: request.stream ?? false,
    body,
  };
}

function blocksOf(message: ApiMessage): ContentBlock[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

function textOf(block: ContentBlock): string | undefined {
  return block.type === 'text' && typeof block.text === 'string' ? block.text : undefined;
}

const isReminder = (text: string): boolean => text.trimStart().startsWith('<system-reminder>');

/**
 * The newest thing the user typed. Claude Code may end a request with a `role:"system"` message,
 * prefixes turns with `<system-reminder>` blocks and merges consecutive user turns into one message,
 * so: the last non-reminder text block of the last user message that has one.
 */
export function lastUserText(messages: readonly ApiMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    const texts = blocksOf(message)
      .map(textOf)
      .filter((text): text is string => text !== undefined && !isReminder(text));
    const last = texts.at(-1);
    if (last !== undefined) return last;
  }
  return '';
}

/** An image the model was shown: `source` of a base64 image block. */
export interface ImageBlock {
  mediaType: string;
  /** The decoded bytes. */
  bytes: Buffer;
}

function imageOf(block: ContentBlock): ImageBlock | undefined {
  if (block.type !== 'image') return undefined;
  const source = block.source as { type?: unknown; media_type?: unknown; data?: unknown } | undefined;
  if (source?.type !== 'base64' || typeof source.media_type !== 'string' || typeof source.data !== 'string') {
    return undefined;
  }
  return { mediaType: source.media_type, bytes: Buffer.from(source.data, 'base64') };
}

/** The images of the newest user turn: the last user message that has text or images. */
export function lastUserImages(messages: readonly ApiMessage[]): ImageBlock[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    const blocks = blocksOf(message);
    const images = blocks.map(imageOf).filter((image): image is ImageBlock => image !== undefined);
    const hasText = blocks.some((block) => textOf(block) !== undefined && !isReminder(textOf(block) ?? ''));
    if (images.length > 0 || hasText) return images;
  }
  return [];
}

function flattenToolContent(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((part: unknown) =>
        typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
          ? part.text
          : '',
      )
      .join('');
  }
  return '';
}

/** tool_result blocks of the last user message. */
export function toolResultsOf(messages: readonly ApiMessage[]): ToolResult[] {
  const lastUser = messages.findLast((message) => message.role === 'user');
  if (!lastUser) return [];
  return blocksOf(lastUser)
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({
      toolUseId: String(block.tool_use_id ?? ''),
      content: flattenToolContent(block.content),
      isError: block.is_error === true,
    }));
}
