import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseStartScript,
  renderUnit,
  servicePath,
  startCommand,
  UNIT_TEMPLATE,
  userUnitDir,
} from '../../scripts/install-service.ts';
import { PROJECT_ROOT } from '../e2e/harness.ts';

/** A unit file as systemd reads it: section → key → values (a key may repeat). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      current = sections[header[1]] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 1) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq);
    current[key] = [...(current[key] ?? []), line.slice(eq + 1)];
  }
  return sections;
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'service-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run service:install', () => {
  it('writes a user unit with this checkout, this node and the keys a service needs, and says what to run', async () => {
    const xdg = path.join(root, 'config');
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'service:install'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: xdg, HOME: path.join(root, 'home') },
    });

    const unitFile = path.join(xdg, 'systemd', 'user', 'telegram-claude-bridge.service');
    const unit = parseUnit(await readFile(unitFile, 'utf8'));
    const checkout = PROJECT_ROOT.replace(/\/+$/, '');
    // Run as `npm start` runs it: the same environment for the bot's process, the same node flags.
    const { env, nodeFlags } = await startCommand(PROJECT_ROOT);
    expect(nodeFlags.length).toBeGreaterThan(0);
    expect(unit.Service?.Environment).toEqual(expect.arrayContaining(env));
    expect(unit.Unit).toMatchObject({ StartLimitIntervalSec: ['600'], StartLimitBurst: ['5'] });
    expect(unit.Service).toMatchObject({
      WorkingDirectory: [checkout],
      ExecStart: [[process.execPath, ...nodeFlags, `${checkout}/scripts/start.mjs`].join(' ')],
      Restart: ['on-failure'],
      RestartPreventExitStatus: ['2'],
      KillMode: ['mixed'],
      TimeoutStopSec: ['15s'],
      StandardOutput: ['journal'],
    });
    // Longer than the bot's own shutdown deadline (4.5 s in src/app/shutdown.ts), so the bot ends its children itself.
    expect(Number.parseInt(unit.Service?.TimeoutStopSec?.[0] ?? '', 10)).toBeGreaterThan(4.5);
    const pathLine = unit.Service?.Environment?.find((value) => value.startsWith('PATH='));
    expect(pathLine).toBeDefined();
    expect(pathLine).not.toMatch(/node_modules\/\.bin|node-gyp-bin/);
    expect(pathLine?.split('=')[1]?.split(':')).toContain(path.dirname(process.execPath));
    expect(unit.Install).toEqual({ WantedBy: ['default.target'] });

    expect(stdout).toContain(`Wrote ${unitFile}`);
    expect(stdout).toContain(
      'systemctl --user daemon-reload && systemctl --user enable --now telegram-claude-bridge',
    );
    expect(stdout).toContain('loginctl enable-linger "$USER"');

    // Where systemd is installed, it accepts the unit without a warning (system mode: the user
    // manager needs a login session this test does not have).
    const analyze = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    if (analyze.error === undefined) {
      expect(analyze.stderr).toBe('');
      expect(analyze.status).toBe(0);
    }
  });
});

describe('userUnitDir', () => {
  it('honours XDG_CONFIG_HOME, and falls back to ~/.config when it is unset or relative', () => {
    expect(userUnitDir({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/me' })).toBe('/x/cfg/systemd/user');
    expect(userUnitDir({ HOME: '/home/me' })).toBe('/home/me/.config/systemd/user');
    expect(userUnitDir({ XDG_CONFIG_HOME: 'cfg', HOME: '/home/me' })).toBe('/home/me/.config/systemd/user');
  });
});

describe('renderUnit', () => {
  it('quotes paths with spaces and escapes % so systemd reads them back as written', async () => {
    const template = await readFile(UNIT_TEMPLATE, 'utf8');
    const unit = parseUnit(
      renderUnit(
        template,
        {
          node: '/opt/node 24/bin/node',
          checkout: '/srv/100% bridge',
          pathEnv: '/usr/bin:/bin',
        },
        { env: ['MALLOC_ARENA_MAX=2'], nodeFlags: ['--optimize-for-size'] },
      ),
    );
    expect(unit.Service?.WorkingDirectory).toEqual(['/srv/100%% bridge']);
    expect(unit.Service?.Environment).toEqual(['PATH=/usr/bin:/bin', 'MALLOC_ARENA_MAX=2']);
    expect(unit.Service?.ExecStart).toEqual([
      '"/opt/node 24/bin/node" --optimize-for-size "/srv/100%% bridge/scripts/start.mjs"',
    ]);
  });

  it('refuses a path with a line break, which would smuggle in a directive', async () => {
    const template = await readFile(UNIT_TEMPLATE, 'utf8');
    expect(() =>
      renderUnit(
        template,
        {
          node: '/usr/bin/node',
          checkout: '/srv/x\nExecStartPre=/bin/evil',
          pathEnv: '',
        },
        { env: [], nodeFlags: [] },
      ),
    ).toThrow(/line break/);
  });
});

describe('parseStartScript', () => {
  it("reads npm start's environment and node flags, and refuses a start script it cannot mirror", () => {
    expect(parseStartScript('exec node scripts/start.mjs')).toEqual({ env: [], nodeFlags: [] });
    expect(parseStartScript('exec env A_B=1 C=x node --one --two=3 scripts/start.mjs')).toEqual({
      env: ['A_B=1', 'C=x'],
      nodeFlags: ['--one', '--two=3'],
    });
    expect(() => parseStartScript('node scripts/start.mjs && rm -rf /')).toThrow(/exec/);
    expect(() => parseStartScript('exec node "--x y" scripts/start.mjs')).toThrow(/exec/);
  });
});

describe('servicePath', () => {
  it('drops what npm run put in front, and keeps node reachable', () => {
    const npmPath = [
      '/srv/bridge/node_modules/.bin',
      '/srv/node_modules/.bin',
      '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
      '/usr/local/bin',
      '/usr/bin',
    ].join(':');
    expect(servicePath(npmPath, '/opt/node/bin/node')).toBe('/opt/node/bin:/usr/local/bin:/usr/bin');
    expect(servicePath('/usr/bin:/bin', '/usr/bin/node')).toBe('/usr/bin:/bin');
  });
});
