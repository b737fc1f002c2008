import { describe, expect, it } from 'vitest';
import { parseCallbackData } from '../../../src/telegram/cards/callback-data.ts';
import { type Decider, PendingCards } from '../../../src/telegram/cards/pending.ts';
import { planBehaviour, planButtons, planMessages } from '../../../src/telegram/cards/plan.ts';
import {
  answeredInput,
  initialQuestionState,
  parseQuestions,
  type Question,
  questionBehaviour,
  questionButtons,
  questionCardHtml,
} from '../../../src/telegram/cards/question.ts';
import { planOutcomeLine, questionOutcomeLine } from '../../../src/telegram/copy/control.ts';
import { parseTelegramHtml } from '../../fakes/telegram/html.ts';

const OWNER: Decider = { id: 1, name: 'Ann' };
const single: Question = {
  question: 'Which library should we use?',
  header: 'Library',
  options: [
    { label: 'date-fns', description: 'small, functional' },
    { label: 'luxon', description: 'time zones <built in>' },
  ],
  multiSelect: false,
};
const multi: Question = {
  question: 'Which features?',
  header: 'Features',
  options: [
    { label: 'Auth', description: '' },
    { label: 'Search', description: '' },
    { label: 'Export', description: '' },
  ],
  multiSelect: true,
};

function open(questions: Question[]) {
  const cards = new PendingCards({ timeoutMs: 0 });
  const updates: unknown[] = [];
  const card = cards.ask({
    behaviour: questionBehaviour(questions),
    state: initialQuestionState(questions),
    session: 'work',
    chatId: 1,
    tool: 'AskUserQuestion',
    summary: questions.map((q) => q.question).join(' / '),
    onUpdate: (state) => updates.push(state),
  });
  return { cards, card, updates };
}

const shown = (html: string): string => {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.text;
};

describe('AskUserQuestion cards', () => {
  it('reads the input shape and refuses another', () => {
    expect(parseQuestions({ questions: [single] })).toEqual([single]);
    expect(parseQuestions({ questions: [] })).toBeUndefined();
    expect(parseQuestions({ question: 'x' })).toBeUndefined();
  });

  it('one button per option; a press answers a single-select question', async () => {
    const { cards, card } = open([single]);
    const buttons = questionButtons(card.id, [single], initialQuestionState([single])).flat();
    expect(buttons.map((button) => button.text)).toEqual(['date-fns', 'luxon']);
    const action = parseCallbackData(buttons[1]?.data ?? '')?.action ?? '';
    expect(cards.press(card.id, action, OWNER)).toEqual({ kind: 'settled' });
    const settlement = await card.result;
    expect(settlement).toEqual({
      kind: 'decided',
      by: OWNER,
      decision: { kind: 'answered', answers: { 'Which library should we use?': 'luxon' } },
    });
    if (settlement.kind !== 'decided') throw new Error('not decided');
    expect(answeredInput({ questions: [single] }, settlement.decision)).toEqual({
      questions: [single],
      answers: { 'Which library should we use?': 'luxon' },
    });
  });

  it('multi-select: presses toggle and redraw, Done answers with the labels joined', async () => {
    const { cards, card, updates } = open([multi]);
    expect(cards.press(card.id, 'done', OWNER)).toEqual({ kind: 'ignored' });
    expect(cards.press(card.id, 'o0.2', OWNER)).toEqual({ kind: 'updated' });
    expect(cards.press(card.id, 'o0.0', OWNER)).toEqual({ kind: 'updated' });
    expect(cards.press(card.id, 'o0.1', OWNER)).toEqual({ kind: 'updated' });
    expect(cards.press(card.id, 'o0.1', OWNER)).toEqual({ kind: 'updated' });
    expect(updates.at(-1)).toEqual({ selected: [[0, 2]] });
    const buttons = questionButtons(card.id, [multi], { selected: [[0, 2]] }).flat();
    expect(buttons.map((button) => button.text)).toEqual(['✓ Auth', 'Search', '✓ Export', '☑️ Done']);
    expect(cards.press(card.id, 'done', OWNER)).toEqual({ kind: 'settled' });
    expect(await card.result).toMatchObject({ decision: { answers: { 'Which features?': 'Auth, Export' } } });
  });

  it('several questions: each answered by its own buttons, then Done', async () => {
    const { cards, card } = open([single, multi]);
    expect(cards.press(card.id, 'o0.0', OWNER)).toEqual({ kind: 'updated' });
    expect(cards.press(card.id, 'o1.1', OWNER)).toEqual({ kind: 'updated' });
    expect(cards.press(card.id, 'o2.0', OWNER)).toEqual({ kind: 'ignored' });
    expect(cards.press(card.id, 'o0.3', OWNER)).toEqual({ kind: 'ignored' });
    expect(cards.press(card.id, 'done', OWNER)).toEqual({ kind: 'settled' });
    expect(await card.result).toMatchObject({
      decision: { answers: { 'Which library should we use?': 'date-fns', 'Which features?': 'Search' } },
    });
  });

  it('a typed reply answers every question still open', async () => {
    const { cards, card } = open([single, multi]);
    cards.press(card.id, 'o0.1', OWNER);
    cards.attachMessage(card.id, 7);
    expect(cards.reply(1, 7, 'only the basics', OWNER)).toEqual({ kind: 'settled' });
    expect(await card.result).toMatchObject({
      decision: {
        answers: { 'Which library should we use?': 'luxon', 'Which features?': 'only the basics' },
      },
    });
  });

  it('the card text is valid Telegram HTML with every option and its description', () => {
    const text = shown(questionCardHtml('work', [single, multi], { selected: [[1], []] }));
    expect(text).toContain('Which library should we use?');
    expect(text).toContain('✓ luxon — time zones <built in>');
    expect(text).toContain('• date-fns — small, functional');
    expect(text).toContain('Which features? (choose any, then Done)');
  });

  it('outcome lines', () => {
    expect(questionOutcomeLine({ kind: 'answered', by: 'Ann', answers: { q: 'luxon' } })).toBe(
      '✅ Answered by Ann: luxon',
    );
    expect(questionOutcomeLine({ kind: 'timed_out', afterMs: 600_000 })).toBe(
      '⏱ Timed out after 10 min: no answer',
    );
  });
});

describe('plan cards', () => {
  it('Approve plan in either mode, Keep planning with or without a typed note', async () => {
    const cards = new PendingCards({ timeoutMs: 0 });
    const ask = () =>
      cards.ask({
        behaviour: planBehaviour,
        state: undefined,
        session: 'work',
        chatId: 1,
        tool: 'ExitPlanMode',
        summary: 'plan',
      });
    const buttons = (id: string) => planButtons(id).flat();
    const a = ask();
    expect(buttons(a.id).map((button) => button.text.replace(/^\S+ /, ''))).toEqual([
      'Approve plan · accept edits',
      'Approve plan · ask before edits',
      'Keep planning',
    ]);
    cards.press(a.id, 'pa', OWNER);
    expect(await a.result).toMatchObject({ decision: { kind: 'approve', mode: 'acceptEdits' } });
    const b = ask();
    cards.press(b.id, 'pd', OWNER);
    expect(await b.result).toMatchObject({ decision: { kind: 'approve', mode: 'default' } });
    const c = ask();
    cards.press(c.id, 'pk', OWNER);
    expect(await c.result).toMatchObject({ decision: { kind: 'keep_planning' } });
    const d = ask();
    cards.attachMessage(d.id, 3);
    cards.reply(1, 3, 'add a rollback step', OWNER);
    expect(await d.result).toMatchObject({
      decision: { kind: 'keep_planning', note: 'add a rollback step' },
    });
  });

  it('the plan is rendered Markdown, split to fit, heading first', () => {
    const plan = `# Plan\n\n1. Add **tests**\n2. Ship\n\n${'More words. '.repeat(800)}`;
    const messages = planMessages('work', plan);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(shown(message.html).length).toBeLessThanOrEqual(4096);
    expect(shown(messages[0]?.html ?? '')).toContain('Plan ready · session work');
    expect(messages[0]?.html).toContain('<b>tests</b>');
  });

  it('outcome lines', () => {
    expect(planOutcomeLine({ kind: 'approved', by: 'Ann', mode: 'acceptEdits' })).toBe(
      '✅ Plan approved by Ann; mode now acceptEdits',
    );
    expect(planOutcomeLine({ kind: 'keep_planning', by: 'Ann', note: 'more <detail>' })).toBe(
      '✏️ Keep planning, says Ann: more &lt;detail&gt;',
    );
  });
});
