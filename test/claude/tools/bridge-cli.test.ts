// send_file through the real Claude Code CLI against the fake model: Claude Code lists the bridge's
// tool, the model calls it, the handler runs in this process and its answer reaches the model.
// Until ClaudeSessionOptions carries `mcpServers`, this drives the SDK's query() itself.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { query, type SDKMessage, type SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  createBridgeMcpServer,
  type FileToSend,
  SEND_FILE_TOOL_NAME,
} from '../../../src/claude/tools/bridge.ts';
import { sendsFile } from '../../fakes/anthropic/index.ts';
import { claudeWorlds } from '../world.ts';

const worlds = claudeWorlds();

interface Turn {
  sent: FileToSend[];
  /** The tool_result text the model got back. */
  toolResult: string;
  isError: boolean;
  answer: string;
  toolsOffered: string[];
}

async function askToSend(requested: string, setUp: (cwd: string) => Promise<void> | void): Promise<Turn> {
  const world = await worlds.start({ script: sendsFile(requested, 'from Claude') });
  await setUp(world.cwd);
  const sent: FileToSend[] = [];
  const bridge = createBridgeMcpServer({
    sessionDir: world.cwd,
    sendFile: async (file) => {
      sent.push(file);
      return { kind: 'sent' };
    },
  });
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  async function* input(): AsyncGenerator<SDKUserMessage> {
    yield {
      type: 'user',
      message: { role: 'user', content: 'send it' },
      parent_tool_use_id: null,
    } as SDKUserMessage;
    await finished;
  }
  const run = query({
    prompt: input(),
    options: {
      cwd: world.cwd,
      env: world.env,
      settingSources: [],
      mcpServers: { bridge },
      allowedTools: [SEND_FILE_TOOL_NAME],
    },
  });
  let answer = '';
  try {
    for await (const message of run as AsyncIterable<SDKMessage>) {
      if (message.type === 'result') {
        answer = message.subtype === 'success' ? message.result : message.subtype;
        break;
      }
    }
  } finally {
    finish();
    run.close();
  }
  const withResult = world.model.requests.find((request) =>
    request.messages.some((m) => Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_result')),
  );
  const block = withResult?.messages
    .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
    .find((b) => b.type === 'tool_result');
  const content = block?.content;
  const toolResult = Array.isArray(content)
    ? content.map((part: { text?: string }) => part.text ?? '').join('')
    : String(content ?? '');
  return {
    sent,
    toolResult,
    isError: block?.is_error === true,
    answer,
    toolsOffered: world.model.requests[0]?.tools ?? [],
  };
}

describe('send_file through Claude Code', () => {
  it('sends a PNG as a photo', async () => {
    const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const photo = await askToSend('out/chart.png', (cwd) => {
      mkdirSync(path.join(cwd, 'out'));
      writeFileSync(path.join(cwd, 'out', 'chart.png'), image);
    });
    expect(photo.toolsOffered).toContain(SEND_FILE_TOOL_NAME);
    expect(photo.sent).toMatchObject([{ kind: 'photo', caption: 'from Claude', size: image.length }]);
    expect(photo.toolResult).toBe('Sent "out/chart.png" to the chat as a photo.');
    expect(photo.answer).toBe('Tool said: Sent "out/chart.png" to the chat as a photo.');
  });

  it('sends a text file as a document', async () => {
    const text = await askToSend('report.txt', (cwd) => writeFileSync(path.join(cwd, 'report.txt'), 'ok'));
    expect(text.sent).toMatchObject([{ kind: 'document' }]);
    expect(text.isError).toBe(false);
  });

  it.each([
    ['../secret', (cwd: string) => writeFileSync(path.join(cwd, '..', 'secret'), 'x'), /outside the session/],
    ['hosts', (cwd: string) => symlinkSync('/etc/hosts', path.join(cwd, 'hosts')), /symbolic link/],
    ['logs', (cwd: string) => mkdirSync(path.join(cwd, 'logs')), /is a directory/],
  ])('refuses %s: Claude reads why, nothing is sent', async (requested, setUp, reason) => {
    const turn = await askToSend(requested, setUp);
    expect(turn.sent).toEqual([]);
    expect(turn.isError).toBe(true);
    expect(turn.toolResult).toMatch(reason);
  });
});
