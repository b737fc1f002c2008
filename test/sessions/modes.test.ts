import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionModes } from '../../src/sessions/modes.ts';
import type { PermissionMode } from '../../src/sessions/personas.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { captureLogger, makeTempDir, manualClock } from './helpers.ts';

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

async function setup(options: { bypassAvailable?: boolean; busy?: boolean } = {}) {
  const { logger } = captureLogger();
  const sessions = new SessionStore({ dataDir, now: manualClock().now, logger });
  await sessions.create('work', {
    name: 'planner',
    description: '',
    system_prompt: '',
    settings: { permission_mode: 'plan' },
  });
  const restarts: string[] = [];
  const switched: PermissionMode[] = [];
  const remembered: PermissionMode[] = [];
  const modes = new SessionModes({
    sessions,
    isBusy: () => options.busy ?? false,
    restart: async (_chatId, name) => {
      restarts.push(name);
    },
    bypassAvailable: options.bypassAvailable ?? true,
    logger,
  });
  modes.attach('work', {
    setPermissionMode: async (mode) => void switched.push(mode),
    rememberPermissionMode: (mode) => void remembered.push(mode),
  });
  return { sessions, modes, restarts, switched, remembered };
}

describe('SessionModes', () => {
  it('an approved plan (Claude Code switched the mode itself) is stored and remembered for a restarted process, never switched again live', async () => {
    const { modes, sessions, switched, remembered } = await setup();
    await modes.record('work', 'acceptEdits');
    expect((await sessions.get('work'))?.metadata.permission_mode).toBe('acceptEdits');
    expect(remembered).toEqual(['acceptEdits']);
    expect(switched).toEqual([]);
  });

  it("starts from the persona's mode, then switches live and stores the switch", async () => {
    const { modes, sessions, switched, restarts } = await setup();
    expect(await modes.current('work')).toBe('plan');
    expect(await modes.set(1, 'work', 'acceptEdits')).toEqual({
      ok: true,
      name: 'work',
      mode: 'acceptEdits',
    });
    expect(switched).toEqual(['acceptEdits']);
    expect(restarts).toEqual([]);
    expect((await sessions.get('work'))?.metadata.permission_mode).toBe('acceptEdits');
    expect(await modes.current('work')).toBe('acceptEdits');
  });

  it('bypass starts the process again (Claude Code takes it only at start)', async () => {
    const { modes, restarts, switched } = await setup();
    expect(await modes.set(1, 'work', 'bypassPermissions')).toMatchObject({ ok: true });
    expect(restarts).toEqual(['work']);
    expect(switched).toEqual([]);
  });

  it('refuses bypass where Claude Code would not start in it, or while a turn runs, changing nothing', async () => {
    const unavailable = await setup({ bypassAvailable: false });
    expect(await unavailable.modes.set(1, 'work', 'bypassPermissions')).toEqual({
      ok: false,
      reason: 'bypass_unavailable',
      name: 'work',
    });
    expect(unavailable.modes.startingMode('bypassPermissions', undefined)).toBe('default');
    await cleanup();
    ({ dir: dataDir, cleanup } = await makeTempDir());
    const busy = await setup({ busy: true });
    expect(await busy.modes.set(1, 'work', 'bypassPermissions')).toMatchObject({ ok: false, reason: 'busy' });
    expect(await busy.modes.current('work')).toBe('plan');
    expect(busy.restarts).toEqual([]);
  });

  it('an unknown session is reported, not created', async () => {
    const { modes } = await setup();
    expect(await modes.set(1, 'ghost', 'plan')).toEqual({ ok: false, reason: 'not_found', name: 'ghost' });
  });
});
