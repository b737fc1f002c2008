import { describe, expect, it } from 'vitest';
import { TurnCostMeter } from '../../src/claude/turn-cost.ts';

describe('TurnCostMeter', () => {
  it("takes each turn's cost out of the cumulative total", () => {
    const meter = new TurnCostMeter();
    expect(meter.turnCost(0.04)).toBeCloseTo(0.04);
    expect(meter.turnCost(0.1)).toBeCloseTo(0.06);
    // A local command adds nothing.
    expect(meter.turnCost(0.1)).toBe(0);
  });

  it('starts from where a resumed conversation stood, and over after /clear or a fresh conversation', () => {
    const meter = new TurnCostMeter(0.5);
    expect(meter.turnCost(0.55)).toBeCloseTo(0.05);
    // /clear: Claude Code's total is back near 0.
    expect(meter.turnCost(0.02)).toBeCloseTo(0.02);
    meter.freshConversation();
    expect(meter.turnCost(0.03)).toBeCloseTo(0.03);
  });
});
