import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bridgeSessionOptions,
  createBridgeMcpServer,
  type FileToSend,
  type SendFileOutcome,
  sendFileHandler,
} from '../../../src/claude/tools/bridge.ts';
import { checkSendable, MAX_SEND_BYTES } from '../../../src/claude/tools/sendable-file.ts';

let root: string;
let sessionDir: string;
let sent: FileToSend[];
let answer: SendFileOutcome;

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'bridge-')));
  sessionDir = path.join(root, 'sessions', 'work');
  mkdirSync(path.join(sessionDir, 'out'), { recursive: true });
  writeFileSync(path.join(root, 'secret'), 'the neighbour session key');
  sent = [];
  answer = { kind: 'sent' };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const handler = () =>
  sendFileHandler({
    sessionDir,
    sendFile: async (file) => {
      sent.push(file);
      return answer;
    },
  });
const textOf = (result: object) =>
  ((result as { content?: Array<{ text: string }> }).content ?? [])[0]?.text ?? '';

const png = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();

describe('send_file', () => {
  it('sends an image as a photo and anything else as a document, caption included', async () => {
    writeFileSync(path.join(sessionDir, 'out', 'chart.png'), await png());
    writeFileSync(path.join(sessionDir, 'report.txt'), 'all green');
    const send = handler();
    const photo = await send({ path: 'out/chart.png', caption: 'the chart' });
    const document = await send({ path: path.join(sessionDir, 'report.txt') });
    expect(photo.isError).toBeUndefined();
    expect(textOf(photo)).toBe('Sent "out/chart.png" to the chat as a photo.');
    expect(textOf(document)).toMatch(/as a document\.$/);
    expect(sent).toEqual([
      {
        path: path.join(sessionDir, 'out', 'chart.png'),
        kind: 'photo',
        size: expect.any(Number),
        caption: 'the chart',
      },
      { path: path.join(sessionDir, 'report.txt'), kind: 'document', size: 9 },
    ]);
  });

  it('goes by content, not name: a text file called .png is a document, a JPEG called .dat a photo', async () => {
    writeFileSync(path.join(sessionDir, 'fake.png'), 'not an image');
    writeFileSync(
      path.join(sessionDir, 'photo.dat'),
      await sharp(await png())
        .jpeg()
        .toBuffer(),
    );
    await handler()({ path: 'fake.png' });
    await handler()({ path: 'photo.dat' });
    expect(sent.map((file) => file.kind)).toEqual(['document', 'photo']);
  });

  it.each([
    ['../secret', /outside the session directory/],
    ['/etc/hosts', /outside the session directory/],
    ['out', /is a directory/],
    ['.', /is a directory/],
    ['nothing-here.txt', /does not exist/],
  ])('refuses %s with a reason Claude reads, and sends nothing', async (requested, reason) => {
    const result = await handler()({ path: requested });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(reason);
    expect(sent).toEqual([]);
  });

  it('refuses a symbolic link pointing outside, directly or through a linked directory', async () => {
    symlinkSync('/etc/hosts', path.join(sessionDir, 'hosts'));
    symlinkSync(root, path.join(sessionDir, 'up'));
    for (const requested of ['hosts', 'up/secret']) {
      const result = await handler()({ path: requested });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/symbolic link .* outside the session directory/);
    }
    expect(sent).toEqual([]);
  });

  it('follows a symbolic link that stays inside', async () => {
    writeFileSync(path.join(sessionDir, 'out', 'real.txt'), 'inside');
    symlinkSync(path.join(sessionDir, 'out', 'real.txt'), path.join(sessionDir, 'alias.txt'));
    await handler()({ path: 'alias.txt' });
    expect(sent).toEqual([{ path: path.join(sessionDir, 'out', 'real.txt'), kind: 'document', size: 6 }]);
  });

  it('refuses a file over 50 MB, and sends an image over 10 MB as a document', async () => {
    const big = path.join(sessionDir, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, MAX_SEND_BYTES + 1);
    const result = await handler()({ path: 'big.bin' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/is 50\.0 MB; Telegram bots can send files up to 50\.0 MB/);

    const image = Buffer.concat([await png(), Buffer.alloc(10 * 1024 * 1024)]);
    writeFileSync(path.join(sessionDir, 'huge.png'), image);
    expect(await checkSendable(sessionDir, 'huge.png')).toMatchObject({ ok: true, kind: 'document' });
    expect(sent).toEqual([]);
  });

  it("passes the chat side's failure back to Claude", async () => {
    writeFileSync(path.join(sessionDir, 'a.txt'), 'a');
    answer = { kind: 'failed', reason: 'Telegram refused the upload (Request Entity Too Large).' };
    const result = await handler()({ path: 'a.txt' });
    expect(result).toMatchObject({ isError: true });
    expect(textOf(result)).toBe('Not sent: Telegram refused the upload (Request Entity Too Large).');
  });

  it("accepts the session directory's real path when it is reached through a link", async () => {
    const linked = path.join(root, 'linked-session');
    symlinkSync(sessionDir, linked);
    writeFileSync(path.join(sessionDir, 'a.txt'), 'a');
    expect(await checkSendable(linked, path.join(sessionDir, 'a.txt'))).toMatchObject({ ok: true });
    expect(await checkSendable(linked, 'a.txt')).toMatchObject({
      ok: true,
      path: path.join(sessionDir, 'a.txt'),
    });
  });
});

describe('the bridge MCP server', () => {
  it('lists send_file and runs it through MCP, validating the arguments', async () => {
    writeFileSync(path.join(sessionDir, 'notes.md'), '# notes');
    const server = createBridgeMcpServer({
      sessionDir,
      sendFile: async (file) => {
        sent.push(file);
        return { kind: 'sent' };
      },
    });
    expect(server).toMatchObject({ type: 'sdk', name: 'bridge' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.instance.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((listed) => listed.name)).toEqual(['send_file']);
      expect(tools[0]?.inputSchema).toMatchObject({ required: ['path'] });

      const ok = await client.callTool({
        name: 'send_file',
        arguments: { path: 'notes.md', caption: 'notes' },
      });
      expect(textOf(ok)).toBe('Sent "notes.md" to the chat as a document.');
      const tooLong = await client.callTool({
        name: 'send_file',
        arguments: { path: 'notes.md', caption: 'x'.repeat(1025) },
      });
      expect(tooLong.isError).toBe(true);
      expect(sent).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});

describe('bridgeSessionOptions', () => {
  it('builds a new server for every process start and allows send_file', () => {
    const options = bridgeSessionOptions({ sessionDir, sendFile: async () => ({ kind: 'sent' }) });
    const first = options.mcpServers().bridge;
    const second = options.mcpServers().bridge;
    expect(first?.instance).toBeDefined();
    expect(second?.instance).not.toBe(first?.instance);
    expect(options.preapprovedTools).toEqual(['mcp__bridge__send_file']);
  });
});
