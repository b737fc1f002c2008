import { z } from 'zod';
import { BUTTON, questionHeading } from '../copy/control.ts';
import type { CardButton } from './approval-card.ts';
import { callbackData } from './callback-data.ts';
import { escapeCut } from './escape-cut.ts';
import type { CardBehaviour } from './pending.ts';
import { visible } from './visible.ts';

/**
 * Claude's `AskUserQuestion`: 1–4 questions of 2–4 options each, some multi-select. A press on an
 * option answers a single-select question (or toggles a multi-select one, finished with `Done`); a
 * typed reply answers every question still open with its text. The answer goes back as the tool's
 * input with `answers` (question text → label; multi-select labels joined with `, `).
 */

const questionSchema = z.object({
  question: z.string(),
  header: z.string().default(''),
  options: z
    .array(z.object({ label: z.string(), description: z.string().default('') }))
    .min(1)
    .max(4),
  multiSelect: z.boolean().default(false),
});
const inputSchema = z.object({ questions: z.array(questionSchema).min(1).max(4) });

export type Question = z.infer<typeof questionSchema>;

/** The questions in an AskUserQuestion input, or undefined when the input is not that shape. */
export function parseQuestions(input: Record<string, unknown>): Question[] | undefined {
  const parsed = inputSchema.safeParse(input);
  return parsed.success ? parsed.data.questions : undefined;
}

export interface QuestionState {
  /** Per question, the indices of the chosen options. */
  selected: number[][];
}

export type QuestionDecision = { kind: 'answered'; answers: Record<string, string> };

export const initialQuestionState = (questions: readonly Question[]): QuestionState => ({
  selected: questions.map(() => []),
});

const OPTION_ACTION = /^o(\d)\.(\d)$/;

function answers(
  questions: readonly Question[],
  state: QuestionState,
  typed?: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  questions.forEach((question, index) => {
    const chosen = (state.selected[index] ?? []).map((option) => question.options[option]?.label ?? '');
    out[question.question] = chosen.length > 0 ? chosen.join(', ') : (typed ?? '');
  });
  return out;
}

const complete = (state: QuestionState): boolean => state.selected.every((chosen) => chosen.length > 0);

export function questionBehaviour(
  questions: readonly Question[],
): CardBehaviour<QuestionState, QuestionDecision> {
  const needsDone = questions.some((question) => question.multiSelect);
  return {
    kind: 'question',
    press: (state, action) => {
      if (action === 'done') {
        return needsDone && complete(state)
          ? { kind: 'decide', decision: { kind: 'answered', answers: answers(questions, state) } }
          : { kind: 'ignored' };
      }
      const match = OPTION_ACTION.exec(action);
      const q = Number(match?.[1]);
      const o = Number(match?.[2]);
      const question = questions[q];
      if (!match || !question || o >= question.options.length) return { kind: 'ignored' };
      const before = state.selected[q] ?? [];
      const now = question.multiSelect
        ? before.includes(o)
          ? before.filter((chosen) => chosen !== o)
          : [...before, o].sort((x, y) => x - y)
        : [o];
      const next = { selected: state.selected.map((chosen, index) => (index === q ? now : chosen)) };
      if (!needsDone && complete(next)) {
        return { kind: 'decide', decision: { kind: 'answered', answers: answers(questions, next) } };
      }
      return { kind: 'update', state: next };
    },
    reply: (state, text) => {
      const typed = text.trim();
      return typed === '' ? undefined : { kind: 'answered', answers: answers(questions, state, typed) };
    },
    outcome: (decision) => ({ outcome: 'answered', detail: { answers: decision.answers } }),
  };
}

/** The tool input to allow AskUserQuestion with: the questions plus the owner's answers. */
export const answeredInput = (
  input: Record<string, unknown>,
  decision: QuestionDecision,
): Record<string, unknown> => ({
  ...input,
  answers: decision.answers,
});

/** The card: each question with its options described; ✓ marks what is chosen so far. */
export function questionCardHtml(
  session: string,
  questions: readonly Question[],
  state: QuestionState,
): string {
  const parts = questions.map((question, q) => {
    const header = question.header ? `<b>${escapeCut(visible(question.header), 60)}</b> · ` : '';
    const lines = question.options.map((option, o) => {
      const mark = state.selected[q]?.includes(o) ? '✓ ' : '• ';
      const description = option.description ? ` — ${escapeCut(visible(option.description), 200)}` : '';
      return `${mark}<b>${escapeCut(visible(option.label), 80)}</b>${description}`;
    });
    const multi = question.multiSelect ? ' <i>(choose any, then Done)</i>' : '';
    return `${header}${escapeCut(visible(question.question), 400)}${multi}\n${lines.join('\n')}`;
  });
  return `${questionHeading(session)}\n\n${parts.join('\n\n')}`;
}

/** One button per option (numbered by question when there are several), and `Done` for multi-select. */
export function questionButtons(
  id: string,
  questions: readonly Question[],
  state: QuestionState,
): CardButton[][] {
  const rows = questions.flatMap((question, q) =>
    question.options.map((option, o) => {
      const mark = state.selected[q]?.includes(o) ? '✓ ' : '';
      const number = questions.length > 1 ? `${q + 1}. ` : '';
      return [
        {
          text: `${mark}${number}${visible(option.label).slice(0, 40)}`,
          data: callbackData(id, `o${q}.${o}`),
        },
      ];
    }),
  );
  if (questions.some((question) => question.multiSelect))
    rows.push([{ text: BUTTON.done, data: callbackData(id, 'done') }]);
  return rows;
}
