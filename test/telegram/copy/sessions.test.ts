/**
 * What the owner reads about sessions, from the manager's typed outcomes. The texts SPEC.md lists
 * are relied on by outside tests, so they are asserted whole.
 */
import { describe, expect, it } from 'vitest';
import type { SessionRefusal } from '../../../src/sessions/outcomes.ts';
import {
  newUsageText,
  SESSION_USAGE,
  sessionListText,
  sessionOutcomeText,
  unknownCommandText,
} from '../../../src/telegram/copy/sessions.ts';

describe("SPEC.md's command table", () => {
  it('`/new` with no name: the usage line, then the personas to choose from', () => {
    expect(newUsageText(['brainstorm', 'default']).split('\n')).toEqual([
      'Usage: /new <name> [persona]',
      'Personas: brainstorm, default',
    ]);
  });

  it('`/new <name>`', () => {
    expect(
      sessionOutcomeText({
        ok: true,
        kind: 'created',
        name: 'work',
        persona: 'default',
        personaGiven: false,
      }),
    ).toBe("Session 'work' created.");
  });

  it('`/new <name> <persona>`, even when the persona named is `default`', () => {
    expect(
      sessionOutcomeText({
        ok: true,
        kind: 'created',
        name: 'ideas',
        persona: 'brainstorm',
        personaGiven: true,
      }),
    ).toBe("Session 'ideas' created with persona 'brainstorm'.");
    expect(
      sessionOutcomeText({
        ok: true,
        kind: 'created',
        name: 'plain',
        persona: 'default',
        personaGiven: true,
      }),
    ).toBe("Session 'plain' created with persona 'default'.");
  });

  it('`/new <existing>`', () => {
    expect(sessionOutcomeText({ ok: false, reason: 'exists', name: 'test-session' })).toBe(
      "Session 'test-session' already exists. Use /session test-session to switch to it.",
    );
  });

  it('`/session <name>`', () => {
    expect(sessionOutcomeText({ ok: true, kind: 'switched', name: 'second' })).toBe(
      "Switched to session 'second'.",
    );
  });

  it('`/session <unknown>`', () => {
    expect(sessionOutcomeText({ ok: false, reason: 'not_found', name: 'nope' })).toBe(
      "Session 'nope' doesn't exist. Use /new nope to create it.",
    );
  });

  it('plain text, no active session', () => {
    expect(sessionOutcomeText({ ok: false, reason: 'no_active_session' })).toBe(
      'No active session. Use /new <name> to start one.',
    );
  });
});

describe('the other refusals', () => {
  it('a bad name states the rule', () => {
    expect(sessionOutcomeText({ ok: false, reason: 'invalid_name', name: '../x' })).toBe(
      'Session names are 1–32 letters, digits, - or _, starting with a letter or digit.',
    );
  });

  it('an unknown persona lists the available ones with their descriptions', () => {
    const text = sessionOutcomeText({
      ok: false,
      reason: 'unknown_persona',
      persona: 'poet',
      available: [
        { name: 'brainstorm', description: 'Ideas first' },
        { name: 'bare', description: '' },
      ],
    });
    expect(text.split('\n')).toEqual([
      "Persona 'poet' doesn't exist. Available personas:",
      '• brainstorm: Ideas first',
      '• bare',
    ]);
    expect(sessionOutcomeText({ ok: false, reason: 'unknown_persona', persona: 'poet', available: [] })).toBe(
      "Persona 'poet' doesn't exist, and no personas are available.",
    );
  });

  it('a folder in the way says what is wrong with it and what to do', () => {
    expect(
      sessionOutcomeText({
        ok: false,
        reason: 'folder_not_a_session',
        name: 'leftover',
        metadata: 'missing',
      }),
    ).toBe(
      "A folder 'leftover' is already in the sessions directory, but it is not a readable session (no metadata.json). Move it away or pick another name.",
    );
    expect(
      sessionOutcomeText({
        ok: false,
        reason: 'folder_not_a_session',
        name: 'leftover',
        metadata: 'damaged',
      }),
    ).toContain('(damaged metadata.json)');
  });

  it('damaged metadata, shutting down, and a process that would not start', () => {
    expect(
      sessionOutcomeText({
        ok: false,
        reason: 'damaged_metadata',
        name: 'work',
        detail: 'status: Invalid option',
      }),
    ).toBe("Session 'work' has a damaged metadata.json: status: Invalid option");
    expect(sessionOutcomeText({ ok: false, reason: 'shutting_down' })).toBe(
      'The bot is shutting down; send that again once it is back.',
    );
    expect(sessionOutcomeText({ ok: false, reason: 'start_failed', name: 'work' })).toBe(
      "Session 'work' could not start Claude Code; see the bot's log.",
    );
  });

  it('every refusal gets its own sentence, with nothing left unfilled', () => {
    const refusals: SessionRefusal[] = [
      { ok: false, reason: 'invalid_name', name: 'n' },
      { ok: false, reason: 'exists', name: 'n' },
      { ok: false, reason: 'not_found', name: 'n' },
      { ok: false, reason: 'unknown_persona', persona: 'p', available: [] },
      { ok: false, reason: 'folder_not_a_session', name: 'n', metadata: 'missing' },
      { ok: false, reason: 'damaged_metadata', name: 'n', detail: 'd' },
      { ok: false, reason: 'no_active_session' },
      { ok: false, reason: 'shutting_down' },
      { ok: false, reason: 'start_failed', name: 'n' },
      { ok: false, reason: 'session_failed', name: 'n' },
      { ok: false, reason: 'nothing_to_start_fresh', name: 'n' },
    ];
    const texts = refusals.map((refusal) => sessionOutcomeText(refusal));
    expect(new Set(texts).size).toBe(refusals.length);
    for (const text of texts) expect(text).not.toMatch(/undefined|\[object/);
  });
});

describe('the session list', () => {
  it('marks the active session and says which are running', () => {
    expect(
      sessionListText(SESSION_USAGE, [
        { name: 'a', persona: 'default', status: 'active', active: true, running: true },
        { name: 'b', persona: 'planner', status: 'suspended', active: false, running: false },
      ]).split('\n'),
    ).toEqual(['Usage: /session <name>', '▶️ a (default, active, running)', '• b (planner, suspended)']);
  });

  it('says how to start when there is none', () => {
    expect(sessionListText('Sessions:', [])).toBe(
      'Sessions:\nNo sessions yet. Use /new <name> to start one.',
    );
  });
});

describe('a command the bot does not have', () => {
  it('points at /help', () => {
    expect(unknownCommandText('/frobnicate')).toBe('Unknown command /frobnicate. /help lists the commands.');
  });
});
