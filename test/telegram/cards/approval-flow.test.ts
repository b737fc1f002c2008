// SPEC.md "Permission prompts": a tool Claude Code asks about becomes one card naming the session,
// the tool and what it will do, with Allow / Allow for session / Deny; once decided or timed out the
// card shows the outcome and loses its buttons; a late press is told the request is no longer pending.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STRANGER_REPLY } from '../../../src/telegram/auth.ts';
import { type CardWorld, cardWorld, OWNER, STRANGER, TIMEOUT_MS } from './card-world.ts';

let world: CardWorld;
beforeEach(async () => {
  world = await cardWorld();
});
afterEach(async () => {
  await world.close();
});

const labels = (card: Parameters<CardWorld['buttons']>[0]) =>
  world.buttons(card).map((button) => button.text.replace(/^\S+ /, ''));

describe('an approval card', () => {
  it('names the session, the tool and the command, with Allow, Allow for session and Deny', async () => {
    const { decision } = world.ask('Bash', { command: 'npm test', description: 'Run the tests' });
    const card = await world.nextCard();
    expect(card.text).toBe(
      [
        '🔐 Approval needed · session work',
        'Bash',
        'Run the tests',
        'npm test',
        'Allow for session adds the rule Bash(npm test).',
        'Reply to this message to deny with a reason.',
      ].join('\n'),
    );
    expect(card.entities).toContainEqual(expect.objectContaining({ type: 'pre', language: 'bash' }));
    expect(labels(card)).toEqual(['Allow', 'Allow for session', 'Deny']);
    expect(world.cards.size).toBe(1);

    await world.press(card, 'Allow');
    expect(await decision).toEqual({ allow: true });
    const decided = await world.now(card);
    expect(decided.text.endsWith('\n\n✅ Allowed by Ann')).toBe(true);
    expect(decided.text).toContain('npm test');
    expect(decided.text).not.toContain('Reply to this message');
    expect(world.buttons(decided)).toEqual([]);
    expect(world.lastPressAnswer()).toBeUndefined();
    expect(world.rules.bySession.size).toBe(0);
    expect(world.audit).toEqual([
      expect.objectContaining({ session: 'work', tool: 'Bash', summary: 'npm test', outcome: 'allowed' }),
    ]);
    expect(world.audit[0]?.by).toEqual({ id: OWNER, name: 'Ann' });
  });

  it('Allow for session stores the suggested rule before Claude Code hears the answer; later matching calls are not asked', async () => {
    const suggestions = [
      {
        type: 'addRules' as const,
        rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }],
        behavior: 'allow' as const,
        destination: 'localSettings' as const,
      },
    ];
    const first = world.ask('Bash', { command: 'npm test' }, { suggestions });
    const card = await world.nextCard();
    expect(card.text).toContain('Allow for session adds the rule Bash(npm test:*).');
    await world.press(card, 'Allow for session');
    expect(await first.decision).toEqual({
      allow: true,
      rule: { toolName: 'Bash', ruleContent: 'npm test:*' },
    });
    expect(world.rules.bySession.get('work')).toEqual(['Bash(npm test:*)']);
    const decided = await world.now(card);
    expect(decided.text.endsWith('✅ Allowed for this session by Ann (rule: Bash(npm test:*))')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);

    const matching = world.ask('Bash', { command: 'npm test -- --watch=false' });
    expect(await matching.decision).toEqual({ allow: true });
    expect(world.logs).toContainEqual(
      expect.objectContaining({ audit: 'card', outcome: 'allowed_by_rule', rule: 'Bash(npm test:*)' }),
    );
    expect(world.cards.size).toBe(0);

    const other = world.ask('Bash', { command: 'npm publish' });
    const asked = await world.nextCard();
    expect(asked.text).toContain('npm publish');
    await world.press(asked, 'Deny');
    expect(await other.decision).toEqual({ allow: false, reason: 'The owner denied this tool use.' });
  });

  it('Allow for session whose rule cannot be stored allows this call once and says the rule was not kept', async () => {
    world.rules.failure = new Error('EACCES: metadata.json');
    const { decision } = world.ask('Bash', { command: 'npm test' });
    const card = await world.nextCard();
    await world.press(card, 'Allow for session');
    expect(await decision).toEqual({ allow: true });
    expect(world.rules.bySession.size).toBe(0);
    const decided = await world.now(card);
    expect(
      decided.text.endsWith(
        '✅ Allowed once by Ann; the rule Bash(npm test) could not be stored, so the next such call asks again',
      ),
    ).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
    expect(world.logs).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'could not store an Allow for session rule',
        rule: 'Bash(npm test)',
      }),
    );
  });

  it('Deny without a reason tells Claude the owner denied it', async () => {
    const { decision } = world.ask('Bash', { command: 'rm -rf build' });
    const card = await world.nextCard();
    await world.press(card, 'Deny');
    expect(await decision).toEqual({ allow: false, reason: 'The owner denied this tool use.' });
    const decided = await world.now(card);
    expect(decided.text.endsWith('\n\n❌ Denied by Ann')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
    expect(world.audit.map((record) => record.outcome)).toEqual(['denied']);
  });

  it('a typed reply to the card denies it with the text as the reason', async () => {
    const { decision } = world.ask('Bash', { command: 'npm install left-pad' });
    const card = await world.nextCard();
    await world.type('use yarn, not npm', card);
    expect(await decision).toEqual({
      allow: false,
      reason: 'The owner denied this tool use: use yarn, not npm',
    });
    const decided = await world.now(card);
    expect(decided.text.endsWith('❌ Denied by Ann: use yarn, not npm')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
    expect(world.audit[0]).toMatchObject({ outcome: 'denied', detail: { reason: 'use yarn, not npm' } });
  });

  it('an unanswered card is denied after the timeout and says so', async () => {
    const { decision } = world.ask('Bash', { command: 'sleep 600' });
    const card = await world.nextCard();
    world.clock.advance(TIMEOUT_MS - 1);
    expect(world.cards.size).toBe(1);
    world.clock.advance(1);
    expect(await decision).toEqual({
      allow: false,
      reason: 'No answer from the owner within 10 min; the tool use was denied.',
    });
    const decided = await world.now(card);
    expect(decided.text.endsWith('⏱ Timed out after 10 min: denied')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
  });

  it('a second press on a decided card is answered: no longer pending', async () => {
    const { decision } = world.ask('Bash', { command: 'make' });
    const card = await world.nextCard();
    const allow = world.pressLater(card, 'Allow');
    const deny = world.pressLater(card, 'Deny');
    await allow();
    await deny();
    expect(await decision).toEqual({ allow: true });
    expect(world.lastPressAnswer()).toBe('This request is no longer pending.');
    expect((await world.now(card)).text.endsWith('✅ Allowed by Ann')).toBe(true);
  });

  it('a turn that ends makes its card stale: edited, and a late press is no longer pending', async () => {
    const { decision, abort } = world.ask('Bash', { command: 'make' });
    const card = await world.nextCard();
    const late = world.pressLater(card, 'Allow');
    abort();
    expect(await decision).toEqual({ allow: false, reason: 'The owner denied this tool use.' });
    await late();
    expect(world.lastPressAnswer()).toBe('This request is no longer pending.');
    const decided = await world.now(card);
    expect(decided.text.endsWith('⏹ No longer needed (the turn ended)')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
  });

  it("a stranger's press changes nothing: refused, logged, the card still waits for the owner", async () => {
    const { decision } = world.ask('Bash', { command: 'make' });
    const card = await world.nextCard();
    await world.press(card, 'Allow', STRANGER);
    expect(world.lastPressAnswer()).toBe(STRANGER_REPLY);
    expect(world.cards.size).toBe(1);
    expect(world.logs).toContainEqual(expect.objectContaining({ audit: 'refused', userId: STRANGER }));
    const still = await world.now(card);
    expect(still.edits).toBe(0);
    expect(labels(still)).toEqual(['Allow', 'Allow for session', 'Deny']);
    await world.press(card, 'Deny');
    expect(await decision).toMatchObject({ allow: false });
    expect(world.audit.map((record) => [record.outcome, record.by?.id])).toEqual([['denied', OWNER]]);
  });

  it('several cards wait at once and each settles on its own', async () => {
    const first = world.ask('Bash', { command: 'echo one' });
    const firstCard = await world.nextCard();
    const second = world.ask('Bash', { command: 'echo two' });
    const secondCard = await world.nextCard();
    await world.press(secondCard, 'Deny');
    expect(await second.decision).toMatchObject({ allow: false });
    expect(world.cards.size).toBe(1);
    await world.press(firstCard, 'Allow');
    expect(await first.decision).toEqual({ allow: true });
    expect((await world.now(firstCard)).text).toContain('echo one');
    expect((await world.now(secondCard)).text.endsWith('❌ Denied by Ann')).toBe(true);
  });

  it('a card Telegram refuses leaves nothing pending and reaches Claude Code as a failure', async () => {
    world.chat.id = 999_999; // a chat the bot cannot write to
    const { decision } = world.ask('Bash', { command: 'make' });
    await expect(decision).rejects.toThrow(/chat not found/);
    expect(world.cards.size).toBe(0);
    expect(world.audit.map((record) => record.outcome)).toEqual(['turn_ended']);
  });
});
