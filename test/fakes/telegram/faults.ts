// Scripted failures: the next `count` calls of a method fail the chosen way.

export type FaultKind = 429 | 500 | 'timeout' | 'reset';

export interface Fault {
  kind: FaultKind;
  retryAfter: number;
}

export class FaultPlan {
  private readonly pending = new Map<string, Fault[]>();

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
    return fault;
  }
}
