/**
 * Each turn's own cost, from Claude Code's `total_cost_usd`, which is cumulative: over the life of
 * a process, restored by `--resume` to where the conversation stood, and back to 0 after `/clear`
 * or in a fresh conversation. A total below the last one seen therefore starts a new count.
 */
export class TurnCostMeter {
  private lastTotal: number;

  /** `baseline`: where the conversation about to be resumed stood (0 for a fresh one). */
  constructor(baseline = 0) {
    this.lastTotal = baseline;
  }

  /** A process starts on a fresh conversation: its count starts at 0. */
  freshConversation(): void {
    this.lastTotal = 0;
  }

  /** The cost of the turn whose result reported `total`. */
  turnCost(total: number): number {
    const cost = total >= this.lastTotal ? total - this.lastTotal : total;
    this.lastTotal = total;
    return Math.max(0, cost);
  }
}
