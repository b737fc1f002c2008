// Issue 9, "Modes": in plan mode Claude's finished plan (ExitPlanMode) arrives as a readable message
// with `Approve plan` (accept edits, or ask before edits) and `Keep planning` (a reply is a note).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CardWorld, cardWorld, TIMEOUT_MS } from './card-world.ts';

let world: CardWorld;
beforeEach(async () => {
  world = await cardWorld();
});
afterEach(async () => {
  await world.close();
});

const PLAN = '## Plan\n\n1. Add **tests** for `plan-flow`\n2. Fix what they find';
const HEADING = '📋 Plan ready · session work · reply to keep planning with a note';

describe('a plan card', () => {
  it.each([
    ['accept edits', 'acceptEdits'],
    ['ask before edits', 'default'],
  ] as const)('Approve plan · %s switches the session to %s and Claude carries on', async (label, mode) => {
    const { decision } = world.ask('ExitPlanMode', { plan: PLAN });
    const card = await world.nextCard();
    expect(card.text).toBe(`${HEADING}\n\nPlan\n\n1. Add tests for plan-flow\n2. Fix what they find`);
    expect(card.entities).toContainEqual(expect.objectContaining({ type: 'bold' }));
    expect(world.buttons(card).map((button) => button.text)).toEqual([
      '✅ Approve plan · accept edits',
      '✅ Approve plan · ask before edits',
      '✏️ Keep planning',
    ]);
    await world.press(card, label);
    expect(await decision).toEqual({ allow: true, mode });
    expect(world.modes).toEqual([{ session: 'work', mode }]);
    const decided = await world.now(card);
    expect(decided.text.endsWith(`\n\n✅ Plan approved by Ann; mode now ${mode}`)).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
    expect(world.audit).toEqual([
      expect.objectContaining({ kind: 'plan', outcome: 'plan_approved', detail: { mode } }),
    ]);
  });

  it('Keep planning tells Claude to refine the plan; the mode stays', async () => {
    const { decision } = world.ask('ExitPlanMode', { plan: PLAN });
    const card = await world.nextCard();
    await world.press(card, 'Keep planning');
    expect(await decision).toEqual({
      allow: false,
      reason: 'The owner wants you to keep planning: refine the plan before asking again.',
    });
    expect(world.modes).toEqual([]);
    const decided = await world.now(card);
    expect(decided.text.endsWith('✏️ Keep planning, says Ann')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
  });

  it('a reply to the plan keeps Claude planning with the reply as a note', async () => {
    const { decision } = world.ask('ExitPlanMode', { plan: PLAN });
    const card = await world.nextCard();
    await world.type('hello');
    expect(world.cards.size).toBe(1);
    await world.type('also cover the timeout', card);
    expect(await decision).toEqual({
      allow: false,
      reason: 'The owner wants you to keep planning. Their note: also cover the timeout',
    });
    const decided = await world.now(card);
    expect(decided.text.endsWith('✏️ Keep planning, says Ann: also cover the timeout')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
  });

  it('no answer in time keeps Claude planning and the card says so', async () => {
    const { decision } = world.ask('ExitPlanMode', { plan: PLAN });
    const card = await world.nextCard();
    world.clock.advance(TIMEOUT_MS);
    expect(await decision).toMatchObject({ allow: false });
    const decided = await world.now(card);
    expect(decided.text.endsWith('⏱ Timed out after 10 min: still planning')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
    expect(world.modes).toEqual([]);
  });

  it('shows the plan file Claude Code names, falling back to the inline plan when it cannot be read', async () => {
    const file = path.join(world.sessionDir, 'plan.md');
    writeFileSync(file, '# From the file\n\nStep one');
    world.ask('ExitPlanMode', { plan: 'inline plan', planFilePath: file });
    expect((await world.nextCard()).text).toBe(`${HEADING}\n\nFrom the file\n\nStep one`);
    world.ask('ExitPlanMode', { plan: 'inline plan', planFilePath: path.join(world.sessionDir, 'gone.md') });
    expect((await world.nextCard()).text).toBe(`${HEADING}\n\ninline plan`);
  });

  it('a long plan comes as several messages with the buttons on the last, which is the one edited', async () => {
    const steps = Array.from({ length: 120 }, (_, i) => `${i + 1}. Step number ${i + 1} of a long plan`);
    const { decision } = world.ask('ExitPlanMode', { plan: steps.join('\n') });
    const first = await world.tg.nextMessage(world.chat.id, { timeoutMs: 5000 });
    const last = await world.nextCard();
    expect(first.text.startsWith(HEADING)).toBe(true);
    expect(world.buttons(first)).toEqual([]);
    expect(last.text.endsWith('120. Step number 120 of a long plan')).toBe(true);
    expect(world.buttons(last)).toHaveLength(3);
    await world.press(last, 'accept edits');
    expect(await decision).toEqual({ allow: true, mode: 'acceptEdits' });
    expect((await world.now(last)).text.endsWith('mode now acceptEdits')).toBe(true);
    expect((await world.now(first)).edits).toBe(0);
  });

  it('a plan Telegram refuses leaves nothing pending and reaches Claude Code as a failure', async () => {
    world.chat.id = 999_999;
    await expect(world.ask('ExitPlanMode', { plan: PLAN }).decision).rejects.toThrow(/chat not found/);
    expect(world.cards.size).toBe(0);
    expect(world.modes).toEqual([]);
  });

  it('terminal escapes and bidi characters in the plan are made visible', async () => {
    world.ask('ExitPlanMode', { plan: 'Run \u001b[31mred\u001b[0m then \u202Eevil' });
    const card = await world.nextCard();
    expect(card.text).toContain('Run ␛[31mred␛[0m then ⟨U+202E⟩evil');
  });
});
