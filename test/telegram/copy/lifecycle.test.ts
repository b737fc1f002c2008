import { describe, expect, it } from 'vitest';
import {
  agoInWords,
  cutOffText,
  idleTimeoutText,
  overviewText,
  resumingText,
  spanInWords,
} from '../../../src/telegram/copy/lifecycle.ts';

const MINUTE = 60_000;

describe('lifecycle copy', () => {
  it('spans and ages in words', () => {
    expect([45_000, 15 * MINUTE, 125 * MINUTE, 3 * 24 * 60 * MINUTE].map(spanInWords)).toEqual([
      '45 s',
      '15 min',
      '2 h',
      '3 days',
    ]);
    expect(agoInWords(30_000)).toBe('just now');
    expect(agoInWords(3 * MINUTE)).toBe('3 min ago');
  });

  it("SPEC's resume and timeout sentences", () => {
    expect(resumingText('work', 15 * MINUTE)).toBe("Resuming session 'work' (idle for 15 min)…");
    expect(idleTimeoutText({ ok: true, name: 'work', timeoutMs: 30 * MINUTE, own: true })).toBe(
      "Idle timeout for 'work': 30 min.",
    );
    expect(idleTimeoutText({ ok: true, name: 'work', timeoutMs: 0, own: true })).toBe(
      "Idle timeout for 'work': never.",
    );
    expect(idleTimeoutText({ ok: true, name: 'work', timeoutMs: 10 * MINUTE, own: false })).toBe(
      "Idle timeout for 'work': 10 min. (the default)",
    );
  });

  it('a cut-off turn, one or several messages', () => {
    expect(cutOffText('work', 1)).toContain("session 'work' was working on your last message");
    expect(cutOffText('work', 3)).toContain('your last 3 messages');
  });

  it('the overview: one line per session with state, persona, model, mode and age, then the memory', () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const text = overviewText(
      'Sessions:',
      {
        sessions: [
          {
            name: 'a',
            persona: 'default',
            model: 'opus',
            mode: 'acceptEdits',
            state: 'working',
            lastActiveAt: new Date(now - 10_000),
          },
          {
            name: 'b',
            persona: 'planner',
            model: undefined,
            mode: undefined,
            state: 'suspended',
            lastActiveAt: new Date(now - 3 * 60 * MINUTE),
          },
        ],
        unreadable: [],
        liveProcesses: 2,
        memoryBytes: 440 * 1024 * 1024,
      },
      'b',
      now,
    );
    expect(text.split('\n')).toEqual([
      'Sessions:',
      '• a: ⚙️ working, default, opus, mode acceptEdits, just now',
      '▶️ b: 💤 suspended, planner, default model, mode default, 3 h ago',
      '',
      '2 Claude Code processes running, 440 MB in memory.',
    ]);
  });

  it('the overview lists a session whose metadata.json is damaged as unreadable, even when it is the only one', () => {
    const text = overviewText(
      'Sessions:',
      { sessions: [], unreadable: ['dented'], liveProcesses: 0, memoryBytes: 0 },
      undefined,
      Date.now(),
    );
    expect(text.split('\n')).toEqual([
      'Sessions:',
      '⚠️ dented: unreadable (damaged metadata.json); /session dented says why',
      '',
      'No Claude Code process running.',
    ]);
  });
});
