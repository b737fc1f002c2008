import {
  type ApprovalOutcome,
  DENIED_BY_OWNER,
  deniedAfterTimeout,
  deniedWithReason,
} from '../copy/control.ts';
import type { CardBehaviour, Settlement } from './pending.ts';

/** What the owner decided on an approval card. */
export type ApprovalDecision =
  | { kind: 'allow' }
  | { kind: 'allow_session'; rule: string }
  | { kind: 'deny'; reason?: string };

/** Button actions: `a` Allow, `s` Allow for session, `d` Deny, `f` Show full. A reply denies with its text as the reason. */
export function approvalBehaviour(rule: string | undefined): CardBehaviour<undefined, ApprovalDecision> {
  return {
    kind: 'approval',
    press: (_state, action) => {
      switch (action) {
        case 'a':
          return { kind: 'decide', decision: { kind: 'allow' } };
        case 's':
          return rule === undefined
            ? { kind: 'ignored' }
            : { kind: 'decide', decision: { kind: 'allow_session', rule } };
        case 'd':
          return { kind: 'decide', decision: { kind: 'deny' } };
        case 'f':
          return { kind: 'show_full' };
        default:
          return { kind: 'ignored' };
      }
    },
    reply: (_state, text) => {
      const reason = text.trim();
      return reason === '' ? undefined : { kind: 'deny', reason };
    },
    outcome: (decision) => {
      switch (decision.kind) {
        case 'allow':
          return { outcome: 'allowed' };
        case 'allow_session':
          return { outcome: 'allowed_for_session', detail: { rule: decision.rule } };
        case 'deny':
          return decision.reason
            ? { outcome: 'denied', detail: { reason: decision.reason } }
            : { outcome: 'denied' };
      }
    },
  };
}

/** The card's last line for how it settled. */
export function approvalOutcome(settlement: Settlement<ApprovalDecision>): ApprovalOutcome {
  if (settlement.kind === 'timed_out') return { kind: 'timed_out', afterMs: settlement.afterMs };
  if (settlement.kind === 'cancelled') return { kind: 'cancelled', why: settlement.why };
  const { decision, by } = settlement;
  if (decision.kind === 'allow') return { kind: 'allowed', by: by.name };
  if (decision.kind === 'allow_session')
    return { kind: 'allowed_for_session', by: by.name, rule: decision.rule };
  return decision.reason
    ? { kind: 'denied', by: by.name, reason: decision.reason }
    : { kind: 'denied', by: by.name };
}

/**
 * What goes back to Claude Code: an allow (with the rule to store for `Allow for session`) or a deny
 * with the message Claude reads. Matches the shape of `PermissionDecision` in claude/permissions.ts,
 * plus `rule`.
 */
export type ApprovalAnswer = { allow: true; rule?: string } | { allow: false; reason: string };

export function approvalAnswer(settlement: Settlement<ApprovalDecision>): ApprovalAnswer {
  if (settlement.kind === 'timed_out')
    return { allow: false, reason: deniedAfterTimeout(settlement.afterMs) };
  if (settlement.kind === 'cancelled') return { allow: false, reason: DENIED_BY_OWNER };
  const { decision } = settlement;
  if (decision.kind === 'allow') return { allow: true };
  if (decision.kind === 'allow_session') return { allow: true, rule: decision.rule };
  return { allow: false, reason: decision.reason ? deniedWithReason(decision.reason) : DENIED_BY_OWNER };
}
