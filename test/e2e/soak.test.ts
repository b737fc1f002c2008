/**
 * Soak, short form (issue 13, deliverable 5; `npm run bench` runs BENCH_SOAK_CYCLES cycles): a few
 * cycles of create, switch, message, kill, stop, idle suspend, resume and archive, then no zombie,
 * no process left but the bot's own (two chats cycling at once), file descriptors back where they started, DATA_DIR consistent.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from './soak-run.ts';
import { soakTable } from './soak-table.ts';

/** Sockets to the fakes come and go with keep-alive; a leak grows with every cycle instead. */
const FD_SLACK = 8;

describe('soak, short form', () => {
  it('leaves no zombie, no orphan, a bounded set of file descriptors and a consistent DATA_DIR', async () => {
    const result = await runSoak({ cycles: 2, lanes: 2 });
    console.log(soakTable(result));
    expect(result.zombies).toBe(0);
    expect(result.leftovers).toEqual([]);
    expect(result.inconsistencies).toEqual([]);
    expect(result.end.fds).toBeLessThanOrEqual(result.start.fds + FD_SLACK);
  }, 150_000);
});
