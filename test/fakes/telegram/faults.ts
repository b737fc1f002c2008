// Scripted failures: the next `count` calls of a method fail the chosen way.

export type FaultKind = 429 | 500 | 'timeout' | 'reset';

export interface Fault {
  kind: FaultKind;
  retryAfter: number;
}

export class FaultPlan {
  private readonly pending = new Map<string, Fault[]>();
  /** Faults at random, besides the scripted ones (chaos tests). */
  private randomly: { rate: number; kinds: FaultKind[]; random: () => number } | undefined;

  /** From now on a `rate` share of every call fails, each one of `kinds`; rate 0 stops it. */
  failRandomly(rate: number, kinds: FaultKind[], random: () => number = Math.random): void {
    this.randomly = rate > 0 && kinds.length > 0 ? { rate, kinds, random } : undefined;
  }

  add(method: string, count: number, kind: FaultKind, retryAfter = 1): void {
    const key = method.toLowerCase();
    const queue = this.pending.get(key) ?? [];
    for (let n = 0; n < count; n++) queue.push({ kind, retryAfter });
    this.pending.set(key, queue);
  }

  /** Takes the next scripted fault for this method, if any. */
  take(method: string): Fault | undefined {
    const queue = this.pending.get(method.toLowerCase());
    const fault = queue?.shift();
    if (queue && queue.length === 0) this.pending.delete(method.toLowerCase());
    if (fault || !this.randomly || this.randomly.random() >= this.randomly.rate) return fault;
    const { kinds, random } = this.randomly;
    return { kind: kinds[Math.floor(random() * kinds.length)] ?? 500, retryAfter: 1 };
  }
}
