// The in-process MCP server `bridge`: tools that reach the owner's chat. Claude sees them as
// `mcp__bridge__<tool>`. The texts here are for Claude to read, never for the owner.
import {
  createSdkMcpServer,
  type McpSdkServerConfigWithInstance,
  tool,
} from '@anthropic-ai/claude-agent-sdk';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { checkSendable, type FileKind, type SendableCheck } from './sendable-file.ts';

export const BRIDGE_SERVER_NAME = 'bridge';
/** The name Claude Code gives the tool; preapproved, so calling it needs no approval. */
export const SEND_FILE_TOOL_NAME = `mcp__${BRIDGE_SERVER_NAME}__send_file`;
/** Telegram's caption limit. */
const MAX_CAPTION_LENGTH = 1024;

/** What the chat side did with a file Claude asked to send. */
export type SendFileOutcome = { kind: 'sent' } | { kind: 'failed'; reason: string };

/** A checked file to put in the chat: `path` is real (links followed) and inside the session directory. */
export interface FileToSend {
  path: string;
  caption?: string;
  kind: FileKind;
  size: number;
}

export type SendFile = (file: FileToSend) => Promise<SendFileOutcome>;

export interface BridgeOptions {
  /** The session directory: the only place files may be sent from. */
  sessionDir: string;
  sendFile: SendFile;
}

type ToolReply = CallToolResult;

const reply = (text: string, isError = false): ToolReply => ({
  content: [{ type: 'text', text }],
  ...(isError ? { isError: true } : {}),
});

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

function refusal(check: Exclude<SendableCheck, { ok: true }>, requested: string, sessionDir: string): string {
  const named = JSON.stringify(requested);
  switch (check.reason) {
    case 'outside':
      return `Not sent: ${named} is outside the session directory ${sessionDir}. Only files inside it can be sent.`;
    case 'symlink_outside':
      return `Not sent: ${named} is a symbolic link (or passes through one) to ${check.target}, outside the session directory ${sessionDir}. Only files inside it can be sent.`;
    case 'missing':
      return `Not sent: ${named} does not exist (looked for ${check.resolved}).`;
    case 'directory':
      return `Not sent: ${named} is a directory. Send files one at a time, or an archive of the directory.`;
    case 'not_a_file':
      return `Not sent: ${named} is not a regular file.`;
    case 'too_big':
      return `Not sent: ${named} is ${megabytes(check.size)}; Telegram bots can send files up to ${megabytes(check.limit)}. Compress or split it.`;
  }
}

/** The handler of `send_file`, apart from the MCP plumbing so it can be tested directly. */
export function sendFileHandler(options: BridgeOptions) {
  return async (args: { path: string; caption?: string | undefined }): Promise<ToolReply> => {
    const check = await checkSendable(options.sessionDir, args.path);
    if (!check.ok) return reply(refusal(check, args.path, options.sessionDir), true);
    const caption = args.caption?.trim() ? args.caption : undefined;
    const outcome = await options.sendFile({
      path: check.path,
      kind: check.kind,
      size: check.size,
      ...(caption !== undefined ? { caption } : {}),
    });
    if (outcome.kind === 'failed') return reply(`Not sent: ${outcome.reason}`, true);
    return reply(`Sent ${JSON.stringify(args.path)} to the chat as a ${check.kind}.`);
  };
}

/** The `bridge` MCP server of one session; pass it as `mcpServers: { bridge: server }`. */
export function createBridgeMcpServer(options: BridgeOptions): McpSdkServerConfigWithInstance {
  const sendFile = tool(
    'send_file',
    "Send a file from your working directory to the owner's Telegram chat. Images (PNG, JPEG, GIF, WebP up to 10 MB) arrive as photos, anything else as a document; 50 MB at most. Only files inside your working directory can be sent.",
    {
      path: z.string().min(1).describe('Path of the file, relative to your working directory or absolute'),
      caption: z
        .string()
        .max(MAX_CAPTION_LENGTH)
        .optional()
        .describe('A short caption shown under the file in the chat (1024 characters at most)'),
    },
    sendFileHandler(options),
  );
  // alwaysLoad: offered to the model with every request, not deferred behind Claude Code's tool search.
  return createSdkMcpServer({
    name: BRIDGE_SERVER_NAME,
    version: '1.0.0',
    tools: [sendFile],
    alwaysLoad: true,
  });
}

/**
 * What a session's ClaudeSessionOptions take for the bridge: a server built afresh for each process
 * start (restarts included), and send_file allowed, so calling it never waits for an approval.
 */
export function bridgeSessionOptions(options: BridgeOptions): {
  mcpServers: () => Record<string, McpSdkServerConfigWithInstance>;
  preapprovedTools: string[];
} {
  return {
    mcpServers: () => ({ [BRIDGE_SERVER_NAME]: createBridgeMcpServer(options) }),
    preapprovedTools: [SEND_FILE_TOOL_NAME],
  };
}
