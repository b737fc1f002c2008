/**
 * Bad input, end to end (issue 13): over a hundred hostile inputs against one running bot, each
 * answered clearly (the exact reply, or its kind), nothing written outside DATA_DIR, and /help still
 * answered after every group. The table lives in `hostile/cases-*.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpText } from '../../src/telegram/commands/help.ts';
import type { BotMessage, Update } from '../fakes/telegram/index.ts';
import { delay, OWNER_ID, PROJECT_ROOT, startWorld, type World, waitUntil } from './harness.ts';
import { accessGroups } from './hostile/cases-access.ts';
import { messageGroups } from './hostile/cases-messages.ts';
import { modelGroups } from './hostile/cases-model.ts';
import { nameGroups } from './hostile/cases-names.ts';
import { hostileModel } from './hostile/model.ts';
import {
  type CaseGroup,
  DOWNLOAD_LIMIT_MB,
  type HostileCase,
  LISTED_GROUP,
  type Probe,
  type ReplyMatch,
} from './hostile/probe.ts';

const GROUPS: CaseGroup[] = [...nameGroups, ...messageGroups, ...accessGroups, ...modelGroups];

/** Every file and folder under `dir`, relative to it. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? [`${relative}/`, ...tree(path.join(dir, entry.name), relative)] : [relative];
  });
}

const matches = (message: BotMessage, match: ReplyMatch): boolean =>
  typeof match === 'string'
    ? message.text === match
    : match instanceof RegExp
      ? match.test(message.text)
      : match(message);

const gitStatus = () =>
  execFileSync('git', ['status', '--porcelain'], { cwd: PROJECT_ROOT, encoding: 'utf8' });

describe('hostile inputs', () => {
  let world: World;
  let probe: Probe;
  let outsideBefore: string[] = [];
  let gitBefore = '';
  /** Names a path trick could create in the temp directory, and whether each was there before (another program's). */
  const tmpTargets = ['x', 'etc', 'passwd', 'a', 'b', '%2e%2e', '~root'].map((name) =>
    path.join(os.tmpdir(), name),
  );
  let tmpBefore: boolean[] = [];
  const root = () => path.dirname(world.dataDir);
  const audits = () => (world.bot?.output().match(/"audit":"(refused|unlisted-group)"/g) ?? []).length;
  const newestId = (chat: number) => Math.max(0, ...world.tg.messages(chat).map((m) => m.messageId));

  beforeAll(async () => {
    world = await startWorld({
      script: hostileModel,
      rateLimits: false,
      env: { ALLOWED_CHAT_IDS: String(LISTED_GROUP), MAX_DOWNLOAD_MB: String(DOWNLOAD_LIMIT_MB) },
    });
    await world.startBot();
    world.say('/new alpha');
    await world.tg.waitForMessage(OWNER_ID, "Session 'alpha' created.", { timeoutMs: 30_000 });
    world.say('warm up');
    await world.tg.waitForMessage(OWNER_ID, 'You said: warm up', { timeoutMs: 30_000 });
    outsideBefore = tree(root()).filter((entry) => !entry.startsWith('data/'));
    gitBefore = gitStatus();
    tmpBefore = tmpTargets.map((target) => existsSync(target));
    const messageOf = (chat: number, messageId: number) =>
      world.tg.messages(chat).find((m) => m.messageId === messageId);
    probe = {
      world,
      tg: world.tg,
      owner: (text) => world.tg.sendText({ userId: OWNER_ID, text }),
      sessionPath: (...parts) => path.join(world.dataDir, 'sessions', ...parts),
      messageWithButtons: (chat, text) => {
        const found = world.tg
          .messages(chat)
          .filter((m) => m.replyMarkup && text.test(m.text))
          .at(-1);
        if (!found) throw new Error(`no message with buttons matching ${text} in chat ${chat}`);
        return found;
      },
      buttonData: (chat, messageId) =>
        (messageOf(chat, messageId)?.replyMarkup?.inline_keyboard.flat() ?? []).map((b) =>
          String(b.callback_data),
        ),
      saved: new Map(),
    };
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  }, 30_000);

  async function run(hostile: HostileCase, audited: boolean): Promise<void> {
    const expected = hostile.expect;
    const chat =
      'silence' in expected ? expected.silence : 'toast' in expected ? OWNER_ID : (expected.chat ?? OWNER_ID);
    const since = newestId(chat);
    const auditsBefore = audits();
    const updates = [await hostile.input(probe)].flat().filter((u): u is Update => u !== undefined);
    const timeoutMs = hostile.timeoutMs ?? 20_000;
    const fresh = () => world.tg.messages(chat).filter((m) => m.messageId > since);
    const describeChat = () =>
      `new messages in ${chat}:\n${fresh()
        .map((m) => `  ${JSON.stringify(m.text.slice(0, 200))}${m.document ? ' [document]' : ''}`)
        .join('\n')}`;

    if ('toast' in expected) {
      const id = (updates.at(-1)?.callback_query as { id: string } | undefined)?.id;
      const answer = () => world.tg.callbackAnswers().find((a) => a.callbackQueryId === id);
      await waitUntil(
        () => answer() !== undefined,
        timeoutMs,
        () => `no answer to the press\n${world.bot?.output().slice(-2000)}`,
      );
      const text = answer()?.text ?? '';
      if (typeof expected.toast === 'string') expect(text).toBe(expected.toast);
      else expect(text).toMatch(expected.toast);
    } else if ('silence' in expected) {
      await waitUntil(() => world.tg.pendingUpdates() === 0, timeoutMs);
      await delay(500);
      expect(fresh(), describeChat()).toEqual([]);
    } else {
      const wanted = 'reply' in expected ? [expected.reply] : expected.replies;
      const found = () => {
        let at = 0;
        for (const want of wanted) {
          const messages = fresh();
          const index = messages.slice(at).findIndex((m) => matches(m, want));
          if (index < 0) return false;
          at += index + 1;
        }
        return true;
      };
      await waitUntil(found, timeoutMs, describeChat);
    }
    await hostile.after?.(
      probe,
      world.tg.messages(chat).filter((m) => m.messageId > since),
    );
    if (audited) expect(audits()).toBeGreaterThan(auditsBefore);
  }

  for (const group of GROUPS) {
    describe(group.name, () => {
      for (const hostile of group.cases) {
        it(hostile.name, () => run(hostile, group.audited ?? false), (hostile.timeoutMs ?? 20_000) + 10_000);
      }
      it('then /help is still answered', async () => {
        world.say('/help');
        await world.tg.waitForMessage(OWNER_ID, (m) => m.text === helpText(), { timeoutMs: 15_000 });
      });
    });
  }

  it('holds at least 60 inputs', () => {
    expect(GROUPS.flatMap((group) => group.cases).length).toBeGreaterThanOrEqual(60);
  });

  it('wrote nothing outside DATA_DIR, and only valid sessions inside it', async () => {
    const outsideNow = tree(root()).filter((entry) => !entry.startsWith('data/'));
    const added = outsideNow.filter((entry) => !outsideBefore.includes(entry));
    // Claude Code keeps its own state under HOME: alpha's transcripts, its MCP server's logs.
    const claudeOwn =
      /^home\/\.(claude\/|claude\.json|cache\/(claude-cli-nodejs\/)?$|cache\/claude-cli-nodejs\/)/;
    expect(added.filter((entry) => !claudeOwn.test(entry))).toEqual([]);
    expect(readdirSync(path.join(world.dataDir, 'sessions'))).toEqual(['alpha']);
    // Compared with before: the shared temp directory may hold another program's `a` or `b`.
    expect(tmpTargets.map((target) => existsSync(target))).toEqual(tmpBefore);
    expect(gitStatus()).toBe(gitBefore);
  });

  it('never crashed, failed a handler, or sent Telegram something it refused', () => {
    expect(world.bot?.child.exitCode).toBeNull();
    expect(world.bot?.output()).not.toContain('update handler failed');
    const refused = world.tg.calls.filter(
      (call) => call.status === 400 && !/message is not modified/.test(call.description ?? ''),
    );
    expect(refused.map((call) => `${call.method}: ${call.description}`)).toEqual([]);
  });
});
