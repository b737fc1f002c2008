import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledClaudePath } from '../../src/doctor/claude.ts';
import {
  archiveSession,
  archiveTimestamp,
  claudeProjectDir,
  listArchives,
} from '../../src/sessions/archive.ts';
import { startFakeAnthropic } from '../fakes/anthropic/index.ts';

const NOW = new Date('2026-03-04T05:06:07.890Z');
const CLAUDE_ID = '0b7e1c2a-5f1d-4c39-9d7e-2a4b6c8d0e1f';

let root: string;
let dataDir: string;
let configDir: string;
let sessionDir: string;
let archiveDir: string;
let projectDir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'archive-'));
  dataDir = path.join(root, 'data');
  configDir = path.join(root, 'home', '.claude');
  sessionDir = path.join(dataDir, 'sessions', 'web-app_2');
  archiveDir = path.join(dataDir, 'sessions_archive');
  await mkdir(path.join(sessionDir, 'inbox'), { recursive: true });
  await writeFile(path.join(sessionDir, 'metadata.json'), '{"name":"web-app_2"}\n');
  await writeFile(path.join(sessionDir, 'inbox', 'photo 1.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00]));
  projectDir = await claudeProjectDir(configDir, sessionDir);
  await mkdir(path.join(projectDir, CLAUDE_ID, 'subagents'), { recursive: true });
  await writeFile(path.join(projectDir, `${CLAUDE_ID}.jsonl`), '{"type":"user"}\n');
  await writeFile(path.join(projectDir, CLAUDE_ID, 'subagents', 'agent-1.jsonl'), '{"type":"assistant"}\n');
  // Another Claude session in the same project directory: not this session's, so it stays.
  await writeFile(path.join(projectDir, 'other.jsonl'), '{}\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const input = (extra: Partial<Parameters<typeof archiveSession>[0]> = {}) => ({
  name: 'web-app_2',
  sessionDir,
  transcripts: { projectDir, sessionIds: [CLAUDE_ID] },
  archiveDir,
  now: NOW,
  ...extra,
});

describe('archiveSession', () => {
  it('packs the session directory and its transcript, then removes them', async () => {
    const outcome = await archiveSession(input());

    const file = path.join(archiveDir, 'web-app_2-20260304T050607Z.tar.gz');
    expect(outcome).toEqual({ kind: 'archived', file, bytes: (await stat(file)).size, transcripts: 1 });
    const members = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const projectName = path.basename(projectDir);
    expect(members).toEqual(
      expect.arrayContaining([
        'web-app_2/metadata.json',
        'web-app_2/inbox/photo 1.jpg',
        `./${projectName}/${CLAUDE_ID}.jsonl`,
        `./${projectName}/${CLAUDE_ID}/subagents/agent-1.jsonl`,
      ]),
    );
    expect(members.some((member) => member.includes('other.jsonl'))).toBe(false);

    // The session and its transcript are gone; the other transcript is not.
    await expect(stat(sessionDir)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(projectDir, `${CLAUDE_ID}.jsonl`))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(projectDir, CLAUDE_ID))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(projectDir)).toEqual(['other.jsonl']);

    // A plain tar restores them byte for byte.
    const restored = path.join(root, 'restored');
    await mkdir(restored);
    execFileSync('tar', ['-xzf', file, '-C', restored]);
    expect(await readFile(path.join(restored, 'web-app_2', 'inbox', 'photo 1.jpg'))).toEqual(
      Buffer.from([0xff, 0xd8, 0xff, 0x00]),
    );
    expect(await readFile(path.join(restored, projectName, `${CLAUDE_ID}.jsonl`), 'utf8')).toBe(
      '{"type":"user"}\n',
    );
  });

  it('archives a session without transcripts (no Claude session id yet, or none on disk)', async () => {
    const outcome = await archiveSession(input({ transcripts: { projectDir, sessionIds: ['missing-id'] } }));
    expect(outcome).toMatchObject({ kind: 'archived', transcripts: 0 });
    await expect(stat(sessionDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves the session intact and no archive behind when packing fails', async () => {
    // A tar that writes half an archive and fails, as a full disk would make it.
    const failingTar = path.join(root, 'tar');
    await writeFile(failingTar, '#!/bin/sh\nprintf partial > "$2"\necho "tar: write error" >&2\nexit 2\n', {
      mode: 0o755,
    });

    const outcome = await archiveSession(input({ tarCommand: failingTar }));

    expect(outcome).toEqual({ kind: 'failed', stage: 'pack', detail: 'tar exited with 2: tar: write error' });
    expect(await readdir(archiveDir)).toEqual([]);
    expect(await readFile(path.join(sessionDir, 'metadata.json'), 'utf8')).toBe('{"name":"web-app_2"}\n');
    expect(await readdir(projectDir)).toEqual(expect.arrayContaining([`${CLAUDE_ID}.jsonl`, CLAUDE_ID]));
  });

  it('leaves the session intact when tar cannot be run at all', async () => {
    const outcome = await archiveSession(input({ tarCommand: path.join(root, 'no-such-tar') }));
    expect(outcome).toMatchObject({
      kind: 'failed',
      stage: 'pack',
      detail: expect.stringContaining('ENOENT'),
    });
    expect(await readdir(sessionDir)).toEqual(expect.arrayContaining(['metadata.json', 'inbox']));
  });

  it('never overwrites an archive of the same name and second', async () => {
    await mkdir(archiveDir, { recursive: true });
    await writeFile(path.join(archiveDir, 'web-app_2-20260304T050607Z.tar.gz'), 'earlier');
    const outcome = await archiveSession(input());
    expect(outcome).toMatchObject({ kind: 'failed', stage: 'exists' });
    expect(await readFile(path.join(archiveDir, 'web-app_2-20260304T050607Z.tar.gz'), 'utf8')).toBe(
      'earlier',
    );
    expect(await readdir(sessionDir)).toContain('metadata.json');
  });

  it('answers no-session for a session directory that is not there', async () => {
    expect(await archiveSession(input({ sessionDir: path.join(dataDir, 'sessions', 'ghost') }))).toEqual({
      kind: 'no-session',
    });
  });
});

describe('listArchives', () => {
  it('lists name, time and size, newest first, and skips what is not an archive', async () => {
    await archiveSession(input());
    await mkdir(path.join(dataDir, 'sessions', 'alpha'), { recursive: true });
    await archiveSession({
      name: 'alpha',
      sessionDir: path.join(dataDir, 'sessions', 'alpha'),
      archiveDir,
      now: new Date('2026-03-05T00:00:00Z'),
    });
    await writeFile(path.join(archiveDir, '.alpha-20260306T000000Z.tar.gz.abc.tmp'), 'half');
    await writeFile(path.join(archiveDir, 'notes.txt'), 'x');

    const archives = await listArchives(archiveDir);

    expect(archives.map(({ name, archivedAt }) => [name, archivedAt.toISOString()])).toEqual([
      ['alpha', '2026-03-05T00:00:00.000Z'],
      ['web-app_2', '2026-03-04T05:06:07.000Z'],
    ]);
    for (const archive of archives) expect(archive.bytes).toBe((await stat(archive.file)).size);
  });

  it('is empty when nothing was ever archived', async () => {
    expect(await listArchives(path.join(root, 'nowhere'))).toEqual([]);
  });
});

describe('claudeProjectDir', () => {
  it('is where the real Claude Code CLI writes the transcript of a session run in that directory', async () => {
    const model = await startFakeAnthropic();
    try {
      const claude = bundledClaudePath();
      if (claude === undefined) throw new Error('no bundled claude: run npm ci');
      const { stdout } = await promisify(execFile)(claude, ['-p', 'hello', '--output-format', 'json'], {
        cwd: sessionDir,
        env: {
          PATH: process.env.PATH,
          HOME: path.dirname(configDir),
          ANTHROPIC_BASE_URL: model.baseUrl,
          ANTHROPIC_API_KEY: 'test-key',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
        },
      });
      const { session_id: id } = JSON.parse(stdout) as { session_id: string };

      expect(await readdir(projectDir)).toContain(`${id}.jsonl`);
      const outcome = await archiveSession(input({ transcripts: { projectDir, sessionIds: [id] } }));
      expect(outcome).toMatchObject({ kind: 'archived', transcripts: 1 });
      if (outcome.kind !== 'archived') return;
      const members = execFileSync('tar', ['-tzf', outcome.file], { encoding: 'utf8' });
      expect(members).toContain(`./${path.basename(projectDir)}/${id}.jsonl`);
    } finally {
      await model.close();
    }
  });

  it('names the directory as Claude Code does: every non-alphanumeric becomes -', async () => {
    expect(await claudeProjectDir('/root/.claude', '/home/me/telegram/sessions/web-app_2')).toBe(
      '/root/.claude/projects/-home-me-telegram-sessions-web-app-2',
    );
  });

  it('finds a long name Claude Code shortened with a hash', async () => {
    const cwd = `/${'x'.repeat(250)}`;
    const shortened = `-${'x'.repeat(199)}-abc123`;
    await mkdir(path.join(configDir, 'projects', shortened), { recursive: true });
    expect(await claudeProjectDir(configDir, cwd)).toBe(path.join(configDir, 'projects', shortened));
  });

  it('formats archive timestamps without separators', () => {
    expect(archiveTimestamp(NOW)).toBe('20260304T050607Z');
  });
});
