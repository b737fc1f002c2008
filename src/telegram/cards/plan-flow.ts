import { readFile } from 'node:fs/promises';
import type { PermissionDecision, PermissionRequest } from '../../claude/permissions.ts';
import { keepPlanningMessage, type PlanOutcome, planOutcomeLine } from '../copy/control.ts';
import type { CardContext } from './card-context.ts';
import type { Settlement } from './pending.ts';
import { type PlanDecision, planBehaviour, planButtons, planMessages } from './plan.ts';

/** A plan longer than this is shown cut (Claude Code keeps the whole file). */
const PLAN_LIMIT = 60_000;

/**
 * The plan Claude Code shows: it names the plan file in the tool input (`planFilePath`), and the
 * file is what counts; the input's own `plan` is the fallback.
 */
export async function planText(input: Record<string, unknown>): Promise<string> {
  const file = typeof input.planFilePath === 'string' ? input.planFilePath : undefined;
  const inline = typeof input.plan === 'string' ? input.plan : '';
  if (file === undefined) return inline.slice(0, PLAN_LIMIT);
  try {
    return (await readFile(file, 'utf8')).slice(0, PLAN_LIMIT);
  } catch {
    return inline.slice(0, PLAN_LIMIT);
  }
}

function outcomeOf(settlement: Settlement<PlanDecision>): PlanOutcome {
  if (settlement.kind === 'timed_out') return { kind: 'timed_out', afterMs: settlement.afterMs };
  if (settlement.kind === 'cancelled') return { kind: 'cancelled', why: settlement.why };
  const { decision, by } = settlement;
  if (decision.kind === 'approve') return { kind: 'approved', by: by.name, mode: decision.mode };
  return decision.note
    ? { kind: 'keep_planning', by: by.name, note: decision.note }
    : { kind: 'keep_planning', by: by.name };
}

/**
 * `ExitPlanMode` in plan mode: the plan as readable messages, the last with `Approve plan` (the
 * session goes to acceptEdits or default, and Claude carries on) and `Keep planning` (a reply to
 * it is a note for Claude).
 */
export async function askPlan(
  context: CardContext,
  request: PermissionRequest,
  modeChosen: (session: string, mode: 'acceptEdits' | 'default') => Promise<void>,
): Promise<PermissionDecision> {
  const { cards, transport, session, chatId } = context;
  const messages = planMessages(session, await planText(request.input));
  const ended = new AbortController();
  const { id, result } = cards.ask({
    behaviour: planBehaviour,
    state: undefined,
    session,
    chatId,
    tool: request.toolName,
    summary: typeof request.input.planFilePath === 'string' ? request.input.planFilePath : 'plan',
    signal: AbortSignal.any([request.signal, ended.signal]),
  });
  let lastId: number | undefined;
  try {
    for (const [index, message] of messages.entries()) {
      const last = index === messages.length - 1;
      lastId = await transport.send(chatId, message.html, last ? planButtons(id) : []);
    }
    if (lastId === undefined) throw new Error('no plan message was sent');
    cards.attachMessage(id, lastId);
  } catch (error) {
    ended.abort();
    throw error;
  }
  const settlement = await result;
  const lastHtml = messages.at(-1)?.html ?? '';
  void transport.edit(chatId, lastId, `${lastHtml}\n\n${planOutcomeLine(outcomeOf(settlement))}`);
  if (settlement.kind === 'decided' && settlement.decision.kind === 'approve') {
    await modeChosen(session, settlement.decision.mode);
    return { allow: true, mode: settlement.decision.mode };
  }
  const note =
    settlement.kind === 'decided' && settlement.decision.kind === 'keep_planning'
      ? settlement.decision.note
      : undefined;
  return { allow: false, reason: keepPlanningMessage(note) };
}
