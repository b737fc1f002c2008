import { BUTTON, planHeading } from '../copy/control.ts';
import { type RenderedChunk, renderMarkdown } from '../render/index.ts';
import type { CardButton } from './approval-card.ts';
import { callbackData } from './callback-data.ts';
import type { CardBehaviour } from './pending.ts';
import { visible } from './visible.ts';

/**
 * Claude's finished plan (`ExitPlanMode` in plan mode): `Approve plan` switches the session to
 * `acceptEdits` or `default` and Claude carries on; `Keep planning` (or a typed reply, as a note)
 * keeps Claude planning.
 */
export type PlanDecision =
  | { kind: 'approve'; mode: 'acceptEdits' | 'default' }
  | { kind: 'keep_planning'; note?: string };

export const planBehaviour: CardBehaviour<undefined, PlanDecision> = {
  kind: 'plan',
  press: (_state, action) => {
    if (action === 'pa') return { kind: 'decide', decision: { kind: 'approve', mode: 'acceptEdits' } };
    if (action === 'pd') return { kind: 'decide', decision: { kind: 'approve', mode: 'default' } };
    if (action === 'pk') return { kind: 'decide', decision: { kind: 'keep_planning' } };
    return { kind: 'ignored' };
  },
  reply: (_state, text) => {
    const note = text.trim();
    return note === '' ? undefined : { kind: 'keep_planning', note };
  },
  outcome: (decision) =>
    decision.kind === 'approve'
      ? { outcome: 'plan_approved', detail: { mode: decision.mode } }
      : { outcome: 'keep_planning', ...(decision.note ? { detail: { note: decision.note } } : {}) },
};

const PLAN_CHUNK = 3500;

/** The plan as messages (Markdown rendered, split to fit); the buttons go on the last one. */
export function planMessages(session: string, planMarkdown: string): RenderedChunk[] {
  const chunks = renderMarkdown(visible(planMarkdown), { maxLength: PLAN_CHUNK });
  const heading = planHeading(session);
  const [first, ...rest] = chunks.length > 0 ? chunks : [{ html: '', plain: '' }];
  return [{ html: `${heading}\n\n${first?.html ?? ''}`, plain: `${first?.plain ?? ''}` }, ...rest];
}

export const planButtons = (id: string): CardButton[][] => [
  [{ text: BUTTON.approvePlanAcceptEdits, data: callbackData(id, 'pa') }],
  [{ text: BUTTON.approvePlanAskEdits, data: callbackData(id, 'pd') }],
  [{ text: BUTTON.keepPlanning, data: callbackData(id, 'pk') }],
];
