import { describe, expect, it } from 'vitest';
import { approvalAnswer, approvalBehaviour, approvalOutcome } from '../../../src/telegram/cards/approval.ts';
import {
  type AuditRecord,
  type Decider,
  PendingCards,
  type Timers,
} from '../../../src/telegram/cards/pending.ts';

const OWNER: Decider = { id: 1, name: 'Ann' };
const STRANGER: Decider = { id: 666, name: 'Eve' };
const CHAT = 100;

/** Timers that fire only when the test says time has passed. */
function manualTimers() {
  let now = 0;
  const due = new Map<number, { at: number; callback: () => void }>();
  let next = 0;
  const timers: Timers = {
    set: (callback, ms) => {
      due.set(++next, { at: now + ms, callback });
      return next;
    },
    clear: (handle) => {
      due.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [handle, timer] of [...due]) {
      if (timer.at <= now) {
        due.delete(handle);
        timer.callback();
      }
    }
  };
  return { timers, advance, pending: () => due.size };
}

function setup(timeoutMs = 600_000) {
  const clock = manualTimers();
  const audit: AuditRecord[] = [];
  let counter = 0;
  const cards = new PendingCards({
    timeoutMs,
    timers: clock.timers,
    onAudit: (record) => audit.push(record),
    mayDecide: (by) => by.id === OWNER.id,
    newId: () => `card${String(++counter).padStart(12, '0')}`,
  });
  const askApproval = (
    session = 'work',
    extra: { signal?: AbortSignal; rule?: string; fullText?: string } = {},
  ) =>
    cards.ask({
      behaviour: approvalBehaviour(extra.rule ?? 'Bash(npm test:*)'),
      state: undefined,
      session,
      chatId: CHAT,
      tool: 'Bash',
      summary: 'npm test',
      ...(extra.signal ? { signal: extra.signal } : {}),
      ...(extra.fullText ? { fullText: extra.fullText } : {}),
    });
  return { cards, clock, audit, askApproval };
}

describe('PendingCards with approval cards', () => {
  it('Allow settles once with who decided, and writes one audit line', async () => {
    const { cards, audit, askApproval, clock } = setup();
    const { id, result } = askApproval();
    expect(cards.press(id, 'a', OWNER)).toEqual({ kind: 'settled' });
    const settlement = await result;
    expect(settlement).toEqual({ kind: 'decided', decision: { kind: 'allow' }, by: OWNER });
    expect(approvalAnswer(settlement)).toEqual({ allow: true });
    expect(approvalOutcome(settlement)).toEqual({ kind: 'allowed', by: 'Ann' });
    expect(audit).toEqual([
      {
        cardId: id,
        kind: 'approval',
        session: 'work',
        chatId: CHAT,
        tool: 'Bash',
        summary: 'npm test',
        outcome: 'allowed',
        by: OWNER,
      },
    ]);
    expect(clock.pending()).toBe(0);
    expect(cards.press(id, 'd', OWNER)).toEqual({ kind: 'stale' });
    expect(audit).toHaveLength(1);
  });

  it('Allow for session carries the rule back', async () => {
    const { cards, audit, askApproval } = setup();
    const { id, result } = askApproval();
    cards.press(id, 's', OWNER);
    const settlement = await result;
    expect(approvalAnswer(settlement)).toEqual({ allow: true, rule: 'Bash(npm test:*)' });
    expect(audit[0]).toMatchObject({ outcome: 'allowed_for_session', detail: { rule: 'Bash(npm test:*)' } });
  });

  it('Deny, with no reason and with a typed reply to the card as the reason', async () => {
    const { cards, askApproval } = setup();
    const plain = askApproval();
    cards.press(plain.id, 'd', OWNER);
    expect(approvalAnswer(await plain.result)).toEqual({
      allow: false,
      reason: 'The owner denied this tool use.',
    });

    const replied = askApproval();
    cards.attachMessage(replied.id, 55);
    expect(cards.reply(CHAT, 54, 'no', OWNER)).toEqual({ kind: 'not_a_card' });
    expect(cards.reply(CHAT + 1, 55, 'no', OWNER)).toEqual({ kind: 'not_a_card' });
    expect(cards.reply(CHAT, 55, 'use yarn, not npm', OWNER)).toEqual({ kind: 'settled' });
    const settlement = await replied.result;
    expect(approvalAnswer(settlement)).toEqual({
      allow: false,
      reason: 'The owner denied this tool use: use yarn, not npm',
    });
    expect(approvalOutcome(settlement)).toEqual({ kind: 'denied', by: 'Ann', reason: 'use yarn, not npm' });
    expect(cards.reply(CHAT, 55, 'again', OWNER)).toEqual({ kind: 'not_a_card' });
  });

  it('an unanswered card is denied after the timeout', async () => {
    const { askApproval, clock, audit, cards } = setup(1500);
    const { id, result } = askApproval();
    clock.advance(1499);
    expect(cards.size).toBe(1);
    clock.advance(1);
    const settlement = await result;
    expect(settlement).toEqual({ kind: 'timed_out', afterMs: 1500 });
    expect(approvalAnswer(settlement)).toEqual({
      allow: false,
      reason: 'No answer from the owner within 1.5 s; the tool use was denied.',
    });
    expect(audit[0]).toMatchObject({ cardId: id, outcome: 'timed_out' });
    expect(audit[0]).not.toHaveProperty('by');
    expect(cards.press(id, 'a', OWNER)).toEqual({ kind: 'stale' });
  });

  it("Claude Code's abort signal makes the card stale", async () => {
    const { askApproval, cards, clock } = setup();
    const controller = new AbortController();
    const { id, result } = askApproval('work', { signal: controller.signal });
    controller.abort();
    expect(await result).toEqual({ kind: 'cancelled', why: 'turn_ended' });
    expect(cards.press(id, 'a', OWNER)).toEqual({ kind: 'stale' });
    expect(clock.pending()).toBe(0);
    const already = askApproval('work', { signal: AbortSignal.abort() });
    expect(await already.result).toEqual({ kind: 'cancelled', why: 'turn_ended' });
  });

  it('cancelSession ends only that session’s cards, with the reason given', async () => {
    const { askApproval, cards, audit } = setup();
    const a1 = askApproval('alpha');
    const a2 = askApproval('alpha');
    const b = askApproval('beta');
    expect(cards.cancelSession('alpha', 'stopped')).toBe(2);
    expect(await a1.result).toEqual({ kind: 'cancelled', why: 'stopped' });
    expect(await a2.result).toEqual({ kind: 'cancelled', why: 'stopped' });
    expect(approvalOutcome(await a1.result)).toEqual({ kind: 'cancelled', why: 'stopped' });
    expect(cards.size).toBe(1);
    expect(cards.press(b.id, 'a', OWNER)).toEqual({ kind: 'settled' });
    expect(audit.map((record) => record.outcome)).toEqual(['stopped', 'stopped', 'allowed']);
    expect(cards.cancelAll('restarted')).toBe(0);
  });

  it('several cards pending at once each settle on their own, in any order', async () => {
    const { askApproval, cards } = setup();
    const first = askApproval('alpha');
    const second = askApproval('beta');
    const third = askApproval('beta');
    cards.press(third.id, 'd', OWNER);
    cards.press(first.id, 'a', OWNER);
    cards.press(second.id, 's', OWNER);
    expect(await first.result).toMatchObject({ decision: { kind: 'allow' } });
    expect(await second.result).toMatchObject({ decision: { kind: 'allow_session' } });
    expect(await third.result).toMatchObject({ decision: { kind: 'deny' } });
  });

  it("a stranger's press or reply changes nothing and is audited", async () => {
    const { askApproval, cards, audit } = setup();
    const { id, result } = askApproval();
    cards.attachMessage(id, 9);
    expect(cards.press(id, 'a', STRANGER)).toEqual({ kind: 'forbidden' });
    expect(cards.reply(CHAT, 9, 'no', STRANGER)).toEqual({ kind: 'ignored' });
    expect(cards.size).toBe(1);
    expect(audit.map((record) => [record.outcome, record.by?.id])).toEqual([
      ['refused_press', 666],
      ['refused_reply', 666],
    ]);
    cards.press(id, 'a', OWNER);
    expect(await result).toMatchObject({ kind: 'decided', by: OWNER });
  });

  it('unknown actions are ignored; Allow for session without a rule too; Show full gives the text', () => {
    const { cards } = setup();
    const card = cards.ask({
      behaviour: approvalBehaviour(undefined),
      state: undefined,
      session: 'work',
      chatId: CHAT,
      tool: 'Bash',
      summary: 'x',
      fullText: 'echo the whole thing',
    });
    expect(cards.press(card.id, 'zz', OWNER)).toEqual({ kind: 'ignored' });
    expect(cards.press(card.id, 's', OWNER)).toEqual({ kind: 'ignored' });
    expect(cards.press(card.id, 'f', OWNER)).toEqual({ kind: 'show_full', text: 'echo the whole thing' });
    expect(cards.size).toBe(1);
  });

  it('an empty reply is no reason', () => {
    const { askApproval, cards } = setup();
    const { id } = askApproval();
    cards.attachMessage(id, 3);
    expect(cards.reply(CHAT, 3, '   ', OWNER)).toEqual({ kind: 'ignored' });
    expect(cards.size).toBe(1);
  });

  it('lists the cards waiting in a chat', () => {
    const { askApproval, cards } = setup();
    const { id } = askApproval('alpha');
    expect(cards.waitingIn(CHAT)).toEqual([{ id, kind: 'approval', session: 'alpha' }]);
    expect(cards.waitingIn(CHAT + 1)).toEqual([]);
  });

  it('counts the cards waiting per session, so an idle timer can wait for them', async () => {
    const { askApproval, cards } = setup();
    const first = askApproval('alpha');
    askApproval('alpha');
    askApproval('beta');
    expect([cards.pendingFor('alpha'), cards.pendingFor('beta'), cards.pendingFor('gamma')]).toEqual([
      2, 1, 0,
    ]);
    cards.press(first.id, 'a', OWNER);
    expect(cards.pendingFor('alpha')).toBe(1);
  });

  it('typed text can answer a card by its id, as a reply would', async () => {
    const { askApproval, cards } = setup();
    const { id, result } = askApproval();
    expect(cards.answer(id, 'not now', OWNER)).toEqual({ kind: 'settled' });
    expect(approvalAnswer(await result)).toEqual({
      allow: false,
      reason: 'The owner denied this tool use: not now',
    });
    expect(cards.answer(id, 'again', OWNER)).toEqual({ kind: 'not_a_card' });
  });

  it('real ids are unguessable: random, 16 base64url characters', () => {
    const cards = new PendingCards({ timeoutMs: 0 });
    const ids = Array.from(
      { length: 50 },
      () =>
        cards.ask({
          behaviour: approvalBehaviour(undefined),
          state: undefined,
          session: 's',
          chatId: 1,
          tool: 'Bash',
          summary: '',
        }).id,
    );
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(cards.cancelAll('restarted')).toBe(50);
  });
});
