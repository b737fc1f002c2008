// SPEC.md "Permission prompts": `AskUserQuestion` arrives as a message with one button per option
// (multi-select where Claude asks for it); the choice goes back to Claude; a typed reply also works.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CardWorld, cardWorld, TIMEOUT_MS } from './card-world.ts';

let world: CardWorld;
beforeEach(async () => {
  world = await cardWorld();
});
afterEach(async () => {
  await world.close();
});

const HEADING = '❓ Claude asks · session work';
const database = {
  question: 'Which database?',
  header: 'Storage',
  options: [
    { label: 'SQLite', description: 'one file' },
    { label: 'Postgres', description: 'a server' },
  ],
  multiSelect: false,
};
const extras = {
  question: 'Which extras?',
  header: '',
  options: [{ label: 'Docs' }, { label: 'Tests' }, { label: 'Bench' }],
  multiSelect: true,
};
const labels = (card: Parameters<CardWorld['buttons']>[0]) =>
  world.buttons(card).map((button) => button.text);

describe('a question card', () => {
  it('single choice: one button per option; a press answers and goes back to Claude as the answers', async () => {
    const input = { questions: [database] };
    const { decision } = world.ask('AskUserQuestion', input);
    const card = await world.nextCard();
    expect(card.text).toBe(
      `${HEADING}\n\nStorage · Which database?\n• SQLite — one file\n• Postgres — a server`,
    );
    expect(labels(card)).toEqual(['SQLite', 'Postgres']);
    await world.press(card, 'Postgres');
    expect(await decision).toEqual({
      allow: true,
      updatedInput: { ...input, answers: { 'Which database?': 'Postgres' } },
    });
    const decided = await world.now(card);
    expect(decided.text.endsWith('\n\n✅ Answered by Ann: Postgres')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
    expect(world.audit).toEqual([
      expect.objectContaining({ kind: 'question', summary: 'Which database?', outcome: 'answered' }),
    ]);
  });

  it('multi-select: presses toggle (the card redrawn with ✓), Done sends every choice', async () => {
    const { decision } = world.ask('AskUserQuestion', { questions: [extras] });
    const card = await world.nextCard();
    expect(card.text).toBe(`${HEADING}\n\nWhich extras? (choose any, then Done)\n• Docs\n• Tests\n• Bench`);
    expect(labels(card)).toEqual(['Docs', 'Tests', 'Bench', '☑️ Done']);
    await world.press(card, 'Done');
    expect(world.cards.size).toBe(1);
    await world.press(card, 'Bench');
    await world.press(card, 'Docs');
    await world.press(card, 'Tests');
    await world.press(await world.now(card), '✓ Tests');
    const toggled = await world.now(card);
    expect(toggled.text).toContain('✓ Docs\n• Tests\n✓ Bench');
    expect(labels(toggled)).toEqual(['✓ Docs', 'Tests', '✓ Bench', '☑️ Done']);
    expect(world.cards.size).toBe(1);
    await world.press(toggled, 'Done');
    expect(await decision).toMatchObject({
      allow: true,
      updatedInput: { answers: { 'Which extras?': 'Docs, Bench' } },
    });
    const decided = await world.now(card);
    expect(decided.text.endsWith('✅ Answered by Ann: Docs, Bench')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
  });

  it('several questions: numbered buttons, answered once each has a choice', async () => {
    const { decision } = world.ask('AskUserQuestion', {
      questions: [database, { ...extras, multiSelect: false }],
    });
    const card = await world.nextCard();
    expect(labels(card)).toEqual(['1. SQLite', '1. Postgres', '2. Docs', '2. Tests', '2. Bench']);
    await world.press(card, '1. SQLite');
    expect(world.cards.size).toBe(1);
    await world.press(card, '2. Bench');
    expect(await decision).toMatchObject({
      updatedInput: { answers: { 'Which database?': 'SQLite', 'Which extras?': 'Bench' } },
    });
  });

  it('answered by typing: plain text while one question waits, or a reply to the card', async () => {
    const plain = world.ask('AskUserQuestion', { questions: [database] });
    const first = await world.nextCard();
    await world.type('DuckDB, actually');
    expect(await plain.decision).toMatchObject({
      allow: true,
      updatedInput: { answers: { 'Which database?': 'DuckDB, actually' } },
    });
    expect((await world.now(first)).text.endsWith('✅ Answered by Ann: DuckDB, actually')).toBe(true);

    const replied = world.ask('AskUserQuestion', { questions: [extras] });
    const second = await world.nextCard();
    await world.type('none of them', second);
    expect(await replied.decision).toMatchObject({
      updatedInput: { answers: { 'Which extras?': 'none of them' } },
    });
    expect(world.buttons(await world.now(second))).toEqual([]);
  });

  it('with two questions waiting, plain text answers neither: only a reply picks one', async () => {
    world.ask('AskUserQuestion', { questions: [database] });
    await world.nextCard();
    const other = world.ask('AskUserQuestion', { questions: [extras] });
    const second = await world.nextCard();
    await world.type('SQLite');
    expect(world.cards.size).toBe(2);
    await world.type('Docs', second);
    expect(await other.decision).toMatchObject({ updatedInput: { answers: { 'Which extras?': 'Docs' } } });
    expect(world.cards.size).toBe(1);
  });

  it('a press after the answer is no longer pending; a question Telegram refuses leaves nothing pending', async () => {
    const { decision } = world.ask('AskUserQuestion', { questions: [database] });
    const card = await world.nextCard();
    const late = world.pressLater(card, 'SQLite');
    await world.press(card, 'Postgres');
    await late();
    expect(world.lastPressAnswer()).toBe('This request is no longer pending.');
    expect(await decision).toMatchObject({ updatedInput: { answers: { 'Which database?': 'Postgres' } } });

    world.chat.id = 999_999;
    await expect(world.ask('AskUserQuestion', { questions: [database] }).decision).rejects.toThrow(
      /chat not found/,
    );
    expect(world.cards.size).toBe(0);
  });

  it('no answer in time: Claude is told to carry on without it, the card says so', async () => {
    const { decision } = world.ask('AskUserQuestion', { questions: [database] });
    const card = await world.nextCard();
    world.clock.advance(TIMEOUT_MS);
    expect(await decision).toEqual({
      allow: false,
      reason: 'The owner did not answer the question. Carry on without it, or ask again later.',
    });
    const decided = await world.now(card);
    expect(decided.text.endsWith('⏱ Timed out after 10 min: no answer')).toBe(true);
    expect(world.buttons(decided)).toEqual([]);
  });

  it('an AskUserQuestion whose input is not questions is an ordinary approval, without a rule to offer', async () => {
    const { decision } = world.ask('AskUserQuestion', { questions: 'which?' });
    const card = await world.nextCard();
    expect(card.text.startsWith('🔐 Approval needed · session work\nAskUserQuestion')).toBe(true);
    expect(labels(card)).toEqual(['✅ Allow', '❌ Deny']);
    await world.press(card, 'Deny');
    expect(await decision).toMatchObject({ allow: false });
  });

  it('terminal escapes and bidi characters in questions and options are made visible', async () => {
    world.ask('AskUserQuestion', {
      questions: [{ question: 'Pick\u001b[2J', options: [{ label: 'a\u202Eb' }, { label: 'c' }] }],
    });
    const card = await world.nextCard();
    expect(card.text).toContain('Pick␛[2J\n• a⟨U+202E⟩b');
    expect(labels(card)).toEqual(['a⟨U+202E⟩b', 'c']);
  });
});
