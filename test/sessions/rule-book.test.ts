import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionRuleBook } from '../../src/sessions/rule-book.ts';
import { SessionStore } from '../../src/sessions/session-store.ts';
import { captureLogger, makeTempDir, manualClock } from './helpers.ts';

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

describe('SessionRuleBook', () => {
  it('adds each rule once, keeps rules added at the same time, and removes one', async () => {
    const { logger } = captureLogger();
    const sessions = new SessionStore({ dataDir, now: manualClock().now, logger });
    await sessions.create('work', { name: 'default', description: '', system_prompt: '', settings: {} });
    const rules = new SessionRuleBook(sessions);
    await Promise.all([rules.add('work', 'Bash(npm test:*)'), rules.add('work', 'Edit(src/**)')]);
    await rules.add('work', 'Bash(npm test:*)');
    expect((await rules.list('work')).sort()).toEqual(['Bash(npm test:*)', 'Edit(src/**)']);
    expect(await rules.remove('work', 'Edit(src/**)')).toBe(true);
    expect(await rules.remove('work', 'Edit(src/**)')).toBe(false);
    expect(await rules.list('work')).toEqual(['Bash(npm test:*)']);
  });
});
