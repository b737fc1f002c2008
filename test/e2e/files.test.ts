/**
 * Files, photos and voice, both ways, end to end: the bot started with `npm start`, the real Claude
 * Code CLI against the fake model, the strict fake Telegram and a fake transcription server.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOICE_NOT_CONFIGURED } from '../../src/telegram/copy/files.ts';
import { echoScript, type RecordedRequest, type Script, SEND_FILE_TOOL } from '../fakes/anthropic/index.ts';
import { tinyOggOpus } from '../fakes/telegram/index.ts';
import { type FakeTranscribe, startFakeTranscribe } from '../fakes/transcribe/index.ts';
import { OWNER_ID, startWorld, type World, waitUntil, withRunningBot } from './harness.ts';

const chat = OWNER_ID;
/** A second allowed user, whose private chat shares the owner's session. */
const PARTNER_ID = 515151;
const NO_SESSION = 'No active session. Use /new <name> to start one.';
const MB = 1024 * 1024;
const TURN_MS = 45_000;
/** A test with a Claude turn or two on a loaded machine. */
const TEST_MS = 90_000;

/** `send <path>` asks for send_file; anything else is echoed with the number of images seen. */
const filesScript: Script = (turn) => {
  if (turn.toolResults.length > 0) return echoScript(turn);
  // Claude Code ends the text before its `[Image: source: …]` note with a newline.
  const said = turn.userText.trim();
  const asked = /^send (\S+)$/.exec(said);
  if (asked) return { toolUse: { name: SEND_FILE_TOOL, input: { path: asked[1], caption: 'from Claude' } } };
  return { text: `You said: ${said} (${turn.images.length} images)` };
};

const image = (background: string, format: 'jpeg' | 'png' = 'jpeg') =>
  sharp({ create: { width: 320, height: 240, channels: 3, background } })
    .toFormat(format)
    .toBuffer();

/** Every text block of a request's newest user message. */
function userTexts(request: RecordedRequest | undefined): string {
  const last = request?.messages.findLast((message) => message.role === 'user');
  const content = last?.content ?? [];
  return typeof content === 'string'
    ? content
    : content.map((block) => (block.type === 'text' ? String(block.text) : '')).join('\n');
}

/** The tool_result the CLI sent back in a request's newest message. */
function toolResultOf(request: RecordedRequest | undefined): Record<string, unknown> | undefined {
  const content = request?.messages.at(-1)?.content;
  return Array.isArray(content) ? content.find((block) => block.type === 'tool_result') : undefined;
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe('files, photos and voice, both ways', () => {
  let world: World;
  let whisper: FakeTranscribe;
  let sessionDir: string;
  const inbox = () => listDir(path.join(sessionDir, 'inbox'));
  /** The main-loop requests from the n-th on (0-based). */
  const requestsFrom = (n: number) => world.model.requests.slice(n);

  beforeAll(async () => {
    whisper = await startFakeTranscribe({ script: () => ({ text: 'what is in the inbox' }) });
    world = await startWorld({ script: filesScript });
    await world.startBot({ TRANSCRIBE_URL: whisper.url, ALLOWED_USER_IDS: `${OWNER_ID},${PARTNER_ID}` });
    world.say('/new files');
    await world.tg.waitForMessage(chat, "Session 'files' created.");
    sessionDir = path.join(world.dataDir, 'sessions', 'files');
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await whisper?.close();
  }, 30_000);

  it(
    'a photo with a caption: Claude sees the image and the caption is the prompt',
    async () => {
      const before = world.model.requests.length;
      const photo = await image('#c03020');
      world.tg.sendPhoto({ userId: OWNER_ID, caption: 'what is this error?', bytes: photo });
      await world.tg.waitForMessage(chat, 'You said: what is this error? (1 images)', { timeoutMs: TURN_MS });
      const request = requestsFrom(before).find((r) => world.model.lastUserImages(r).length > 0);
      const [seen] = world.model.lastUserImages(request as RecordedRequest);
      expect(seen?.mediaType).toBe('image/jpeg');
      expect((await sharp(seen?.bytes).metadata()).width).toBe(320);
      expect(inbox()).toEqual([expect.stringMatching(/^\d{8}-\d{6}-photo\.jpg$/)]);
      expect(userTexts(request)).toContain(path.join(sessionDir, 'inbox', inbox()[0] ?? ''));
    },
    TEST_MS,
  );

  it(
    'an album of three is one turn with three images',
    async () => {
      const before = world.model.requests.length;
      const photos = await Promise.all(['#ff0000', '#00ff00', '#0000ff'].map((color) => image(color)));
      world.tg.sendAlbum({ userId: OWNER_ID, caption: 'three views', photos });
      await world.tg.waitForMessage(chat, 'You said: three views (3 images)', { timeoutMs: TURN_MS });
      const withImages = requestsFrom(before).filter((r) => world.model.lastUserImages(r).length > 0);
      const turns = new Set(withImages.map((r) => userTexts(r)));
      expect(turns.size).toBe(1);
      const colours = await Promise.all(
        world.model
          .lastUserImages(withImages[0] as RecordedRequest)
          .map(async (seen) => (await sharp(seen.bytes).stats()).dominant),
      );
      expect(colours.map(({ r, g, b }) => [r > 128, g > 128, b > 128])).toEqual([
        [true, false, false],
        [false, true, false],
        [false, false, true],
      ]);
      expect(inbox()).toHaveLength(4);
    },
    TEST_MS,
  );

  it(
    'a document is saved in inbox/ under a safe name, and Claude is told its path',
    async () => {
      const before = world.model.requests.length;
      world.tg.sendDocument({
        userId: OWNER_ID,
        fileName: 'build log.txt',
        mimeType: 'text/plain',
        bytes: Buffer.from('error: disk full\n'),
        caption: 'why did the build fail?',
      });
      await world.tg.waitForMessage(chat, 'You said: why did the build fail? (0 images)', {
        timeoutMs: TURN_MS,
      });
      const saved = inbox().find((name) => name.endsWith('-build log.txt'));
      expect(saved).toMatch(/^\d{8}-\d{6}-build log\.txt$/);
      const prompt = userTexts(requestsFrom(before).find((r) => userTexts(r).includes('build log')));
      expect(prompt).toContain(path.join(sessionDir, 'inbox', saved ?? ''));
      expect(prompt).toContain('text/plain');
    },
    TEST_MS,
  );

  it.each([
    ['../../etc/passwd', /^\d{8}-\d{6}-passwd$/],
    ['.bashrc', /^\d{8}-\d{6}-bashrc$/],
  ])(
    'a document named %s is saved inside inbox/ under a safe name',
    async (fileName, safe) => {
      const before = inbox();
      world.tg.sendDocument({
        userId: OWNER_ID,
        fileName,
        bytes: Buffer.from('root:x:0:0\n'),
        caption: fileName,
      });
      await world.tg.waitForMessage(chat, `You said: ${fileName} (0 images)`, { timeoutMs: TURN_MS });
      const added = inbox().filter((name) => !before.includes(name));
      expect(added).toEqual([expect.stringMatching(safe)]);
      expect(existsSync(path.join(world.dataDir, 'etc'))).toBe(false);
      expect(existsSync(path.join(sessionDir, '.bashrc'))).toBe(false);
    },
    TEST_MS,
  );

  it(
    'a 25 MB document gets a clear reply; nothing is written and Claude is not asked',
    async () => {
      const before = { inbox: inbox(), requests: world.model.requests.length };
      world.tg.sendDocument({ userId: OWNER_ID, fileName: 'dump.bin', bytes: Buffer.alloc(25 * MB, 7) });
      const reply = await world.tg.waitForMessage(chat, "didn't save it", { timeoutMs: 20_000 });
      expect(reply.text).toContain('That file is 25 MB; I take files up to 20 MB');
      expect(reply.text).toContain('Nothing was sent to Claude.');
      expect(inbox()).toEqual(before.inbox);
      expect(listDir(path.join(sessionDir, 'inbox')).some((name) => name.includes('dump'))).toBe(false);
      expect(world.model.requests.length).toBe(before.requests);
    },
    TEST_MS,
  );

  it(
    'a voice message is transcribed, the transcript shown, then answered',
    async () => {
      const audio = tinyOggOpus(2);
      world.tg.sendVoice({ userId: OWNER_ID, bytes: audio, durationSeconds: 2 });
      await world.tg.waitForMessage(chat, '🎙 what is in the inbox', { timeoutMs: 20_000 });
      await world.tg.waitForMessage(chat, 'You said: what is in the inbox (0 images)', {
        timeoutMs: TURN_MS,
      });
      expect(whisper.requests).toHaveLength(1);
      expect(whisper.requests[0]?.audio.equals(audio)).toBe(true);
    },
    TEST_MS,
  );

  describe('send_file', () => {
    const uploads = () => world.tg.callsTo('sendPhoto').length + world.tg.callsTo('sendDocument').length;

    it(
      'sends a PNG as a photo',
      async () => {
        const png = await image('#2080ff', 'png');
        mkdirSync(path.join(sessionDir, 'out'), { recursive: true });
        writeFileSync(path.join(sessionDir, 'out', 'chart.png'), png);
        world.say('send out/chart.png');
        const sent = await world.tg.waitForMessage(chat, (m) => m.photo !== undefined, {
          timeoutMs: TURN_MS,
        });
        expect(sent.photo?.bytes.equals(png)).toBe(true);
        expect(sent.text).toBe('from Claude');
        await world.tg.waitForMessage(chat, 'Tool said: Sent "out/chart.png" to the chat as a photo.', {
          timeoutMs: TURN_MS,
        });
      },
      TEST_MS,
    );

    it(
      'sends a text file as a document',
      async () => {
        writeFileSync(path.join(sessionDir, 'report.txt'), 'all green\n');
        world.say('send report.txt');
        const sent = await world.tg.waitForMessage(chat, (m) => m.document !== undefined, {
          timeoutMs: TURN_MS,
        });
        expect(sent.document?.fileName).toBe('report.txt');
        expect(sent.document?.bytes.toString()).toBe('all green\n');
        await world.tg.waitForMessage(chat, 'as a document.', { timeoutMs: TURN_MS });
      },
      TEST_MS,
    );

    it.each([
      ['../secret', () => writeFileSync(path.join(sessionDir, '..', 'secret'), 'x'), /outside the session/],
      ['hosts', () => symlinkSync('/etc/hosts', path.join(sessionDir, 'hosts')), /symbolic link/],
      ['logs', () => mkdirSync(path.join(sessionDir, 'logs')), /is a directory/],
    ])(
      'refuses %s: nothing is sent, and Claude reads why',
      async (requested, setUp, reason) => {
        setUp();
        const before = { uploads: uploads(), requests: world.model.requests.length };
        world.say(`send ${requested}`);
        await world.tg.waitForMessage(chat, `Tool said: Not sent: "${requested}"`, { timeoutMs: TURN_MS });
        const next = requestsFrom(before.requests).find((r) => toolResultOf(r) !== undefined);
        expect(toolResultOf(next)).toMatchObject({ is_error: true });
        expect(JSON.stringify(toolResultOf(next)?.content)).toMatch(reason);
        expect(uploads()).toBe(before.uploads);
      },
      TEST_MS,
    );

    it(
      'goes to the chat whose message is being answered, never to another chat on the session',
      async () => {
        world.tg.sendText({ userId: PARTNER_ID, text: '/session files' });
        await world.tg.waitForMessage(PARTNER_ID, "Switched to session 'files'.");
        writeFileSync(path.join(sessionDir, 'for-partner.txt'), 'yours\n');
        const ownerUploads = () => world.tg.messages(chat).filter((m) => m.document || m.photo).length;
        const before = ownerUploads();
        // The partner asks; while Claude works on it, the owner writes too, becoming the chat that used it last.
        world.model.setScript(async (turn) => {
          if (turn.userText === 'send for-partner.txt' && turn.toolResults.length === 0) {
            world.say('meanwhile, hello');
            await waitUntil(
              () => world.tg.chatActions(chat).some((a) => a.at >= turn.request.receivedAt),
              10_000,
            );
          }
          return filesScript(turn);
        });
        world.tg.sendText({ userId: PARTNER_ID, text: 'send for-partner.txt' });
        const sent = await world.tg.waitForMessage(PARTNER_ID, (m) => m.document !== undefined, {
          timeoutMs: TURN_MS,
        });
        expect(sent.document?.fileName).toBe('for-partner.txt');
        await world.tg.waitForMessage(chat, 'You said: meanwhile, hello (0 images)', { timeoutMs: TURN_MS });
        expect(ownerUploads()).toBe(before);
      },
      TEST_MS,
    );
  });
});

describe('files without a session, and voice without TRANSCRIBE_URL', () => {
  let world: World;
  const sessionsDir = () => path.join(world.dataDir, 'sessions');

  withRunningBot((started) => {
    world = started;
  });

  it('a photo, a document or a voice message to a chat with no active session: told so, nothing written', async () => {
    world.tg.sendPhoto({ userId: OWNER_ID, bytes: await image('#123456') });
    await world.tg.waitForMessage(chat, NO_SESSION);
    world.tg.sendDocument({ userId: OWNER_ID, fileName: 'notes.md', bytes: Buffer.from('# notes') });
    await world.tg.waitForMessage(chat, NO_SESSION);
    world.tg.sendVoice({ userId: OWNER_ID, bytes: tinyOggOpus(1) });
    await world.tg.waitForMessage(chat, NO_SESSION);
    expect(listDir(sessionsDir())).toEqual([]);
    expect(world.model.requests).toHaveLength(0);
  });

  it(
    'a voice message without TRANSCRIBE_URL: a reply saying how to set it up, nothing saved',
    async () => {
      world.say('/new quiet');
      await world.tg.waitForMessage(chat, "Session 'quiet' created.");
      world.tg.sendVoice({ userId: OWNER_ID, bytes: tinyOggOpus(1) });
      await world.tg.waitForMessage(chat, VOICE_NOT_CONFIGURED);
      expect(listDir(path.join(sessionsDir(), 'quiet', 'inbox'))).toEqual([]);
      expect(world.model.requests).toHaveLength(0);
    },
    TEST_MS,
  );
});
