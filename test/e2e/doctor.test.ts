/**
 * `npm run doctor` as a new user runs it: against the fake Telegram and the fake homelab services,
 * with the bundled Claude Code CLI, in a temporary HOME and DATA_DIR.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HomelabFakes, startHomelabFakes } from '../fakes/homelab/index.ts';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram/index.ts';
import { OWNER_ID, PROJECT_ROOT } from './harness.ts';

interface DoctorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function doctor(env: Record<string, string>): Promise<DoctorRun> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'doctor'],
      { cwd: PROJECT_ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The report's row for a check, with the fix line under it when there is one. */
function row(output: string, name: string): string {
  const lines = output.split('\n');
  const index = lines.findIndex((line) => line.slice(0, 40).includes(` ${name} `));
  if (index < 0) throw new Error(`no row '${name}' in:\n${output}`);
  const next = lines[index + 1] ?? '';
  return /^\s+fix: /.test(next) ? `${lines[index]}\n${next}` : (lines[index] ?? '');
}

describe('npm run doctor', () => {
  let tg: FakeTelegram;
  let fakes: HomelabFakes;
  let root: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    [tg, fakes] = await Promise.all([startFakeTelegram({ rateLimits: false }), startHomelabFakes()]);
    await fakes.ping.set('127.0.0.1', { reply: 0.04 });
    root = await mkdtemp(path.join(os.tmpdir(), 'doctor-e2e-'));
    env = {
      ...fakes.env,
      TELEGRAM_BOT_TOKEN: tg.token,
      ALLOWED_USER_IDS: String(OWNER_ID),
      TELEGRAM_API_ROOT: tg.apiRoot,
      DATA_DIR: path.join(root, 'data'),
      HOME: path.join(root, 'home'),
      ANTHROPIC_API_KEY: 'test-key',
      DISABLE_AUTOUPDATER: '1',
    };
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([tg?.close(), fakes?.close()]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('with everything right: a ✅ for every check, in order, and exit status 0', async () => {
    const run = await doctor(env);

    expect(run.stderr).toBe('');
    const checks = [
      'Settings',
      'Telegram',
      'Claude Code',
      'Claude credentials',
      'DATA_DIR',
      'Proxmox Backup Server',
      'Proxmox VE',
      'Beszel',
      'Uptime Kuma',
      'ICMP ping',
    ];
    const rows = checks.map((name) => row(run.stdout, name));
    for (const line of rows) expect(line).toMatch(/^✅ /);
    // In the order.
    const positions = checks.map((name) => run.stdout.indexOf(` ${name} `));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(row(run.stdout, 'Telegram')).toContain(`@${tg.botUsername}`);
    expect(row(run.stdout, 'Claude Code')).toMatch(/\d+\.\d+\.\d+ \(Claude Code\)/);
    expect(row(run.stdout, 'DATA_DIR')).toMatch(/writable, [\d.]+ [KMGT]?i?B free/);
    expect(run.stdout).toContain('The bot can run');
    expect(run.stdout).not.toContain(tg.token);
    expect(run.code).toBe(0);
  });

  it('with a token Telegram rejects: ❌ naming TELEGRAM_BOT_TOKEN with the fix, exit status 1', async () => {
    const run = await doctor({ ...env, TELEGRAM_BOT_TOKEN: '123456:WRONG-token' });

    expect(row(run.stdout, 'Telegram')).toMatch(/^❌ .*Telegram rejected TELEGRAM_BOT_TOKEN \(HTTP 401\)/);
    expect(row(run.stdout, 'Telegram')).toContain('fix: copy the token from @BotFather');
    expect(run.stdout).not.toContain('WRONG-token');
    expect(run.stdout).toContain('The bot cannot run: 1 problem to fix');
    expect(run.code).toBe(1);
  });

  it('with no Claude credentials: ❌ with how to log in or set ANTHROPIC_API_KEY, exit status 1', async () => {
    const { ANTHROPIC_API_KEY: _, ...withoutKey } = env;

    const run = await doctor(withoutKey);

    const credentials = row(run.stdout, 'Claude credentials');
    expect(credentials).toMatch(/^❌ .*no ANTHROPIC_API_KEY and no login in .*\/home\/\.claude/);
    expect(credentials).toContain('fix: set ANTHROPIC_API_KEY in .env, or log in once as this user');
    expect(credentials).toContain('/login');
    expect(run.code).toBe(1);
  });

  it('with a homelab service refusing its credentials: ⚠️ with the fix, and the bot can still run (0)', async () => {
    const run = await doctor({ ...env, PBS_TOKEN_SECRET: 'not-the-secret' });

    const pbs = row(run.stdout, 'Proxmox Backup Server');
    expect(pbs).toMatch(/^⚠️ .*credentials are wrong \(HTTP 401\)/);
    expect(pbs).toContain('fix: check PBS_TOKEN_ID and PBS_TOKEN_SECRET');
    expect(run.stdout).not.toContain('not-the-secret');
    expect(run.code).toBe(0);
  });

  it('with a setting missing: ❌ naming it, and exit status 1', async () => {
    const { ALLOWED_USER_IDS: _, ...withoutUsers } = env;
    const run = await doctor(withoutUsers);
    expect(row(run.stdout, 'Settings')).toMatch(/^❌ .*ALLOWED_USER_IDS is required/);
    expect(run.code).toBe(1);
  });
});
