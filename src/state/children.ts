import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { findProcessesByEnv, readProcStat } from '../claude/proc-scan.ts';
import type { Logger } from '../logging.ts';
import { readJson, writeJsonAtomic } from '../sessions/atomic.ts';
import { type ReapReport, reapChildren } from './reap.ts';

/**
 * The record of every Claude Code process the bot started and has not yet seen exit, in
 * `DATA_DIR/state/children.json`. A bot killed with SIGKILL or by the OOM killer runs no shutdown
 * code; the next start reads this record and ends what was left (`reapLeftovers`).
 */

const childRecordSchema = z.object({
  pid: z.number().int().positive(),
  /** Field 22 of `/proc/<pid>/stat` when recorded: a pid reused later has another start time. */
  start_time: z.string().regex(/^\d+$/),
  pgid: z.number().int().positive(),
  /** The value of the marker variable in the process's environment, inherited by all its tools. */
  marker: z.string().min(1),
  session: z.string().optional(),
  recorded_at: z.string(),
});
export type ChildRecord = z.infer<typeof childRecordSchema>;

const childrenFileSchema = z.object({
  version: z.literal(1),
  children: z.array(childRecordSchema),
});

/** A spawned process as the registry needs to see it (spawn.ts's ClaudeProcessHandle fits). */
export interface TrackedProcess {
  readonly pid: number | undefined;
  readonly marker: string;
  readonly exited: Promise<unknown>;
}

export type RecordOutcome =
  | { kind: 'recorded'; record: ChildRecord }
  /** Exited (or never started) before it could be recorded: nothing to reap later. */
  | { kind: 'already-gone'; pid: number | undefined };

export interface ChildRegistryDeps {
  /** `DATA_DIR/state` */
  stateDir: string;
  /** The environment variable that carries the marker (spawn.ts's PROCESS_MARKER_ENV). */
  markerEnv: string;
  logger: Logger;
  now?: () => Date;
  /** Tests point it at a fake `/proc`; default `/proc`. */
  procRoot?: string;
  /** How long after the child's exit its tools may take to end before the record is kept; 10 s. */
  toolsSettleMs?: number;
}

export class ChildRegistry {
  readonly file: string;
  private readonly children = new Map<number, ChildRecord>();
  /** Writes run one after another, each with the whole record as it is by then. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ChildRegistryDeps) {
    this.file = path.join(deps.stateDir, 'children.json');
  }

  /** What is recorded now (this instance's children; leftovers are cleared by `reapLeftovers`). */
  recorded(): ChildRecord[] {
    return [...this.children.values()];
  }

  /**
   * Records `pid` on disk (resolves once the record is durable), reading its start time and process
   * group from /proc. Call right after the spawn.
   */
  async add(child: { pid: number; marker: string; session?: string }): Promise<RecordOutcome> {
    const stat = await readProcStat(child.pid, this.deps.procRoot);
    if (!stat || stat.state === 'Z') return { kind: 'already-gone', pid: child.pid };
    const record: ChildRecord = {
      pid: child.pid,
      start_time: stat.startTime,
      pgid: stat.pgid,
      marker: child.marker,
      ...(child.session ? { session: child.session } : {}),
      recorded_at: (this.deps.now?.() ?? new Date()).toISOString(),
    };
    this.children.set(child.pid, record);
    await this.persist();
    return { kind: 'recorded', record };
  }

  /** Forgets `pid` once it has exited (and its tools with it). */
  async remove(pid: number): Promise<void> {
    if (!this.children.delete(pid)) return;
    await this.persist();
  }

  /**
   * Records `child` and removes the record when it has exited. The returned promise settles once
   * the record is written; a failure to write is logged, never thrown into the spawn path.
   */
  async track(child: TrackedProcess, session?: string): Promise<RecordOutcome> {
    const { pid } = child;
    if (pid === undefined) return { kind: 'already-gone', pid };
    let outcome: RecordOutcome;
    try {
      outcome = await this.add({ pid, marker: child.marker, ...(session ? { session } : {}) });
    } catch (error) {
      this.deps.logger.error({ err: error, pid }, 'could not record the child process');
      return { kind: 'already-gone', pid };
    }
    void child.exited.then(() => this.forgetOnceToolsAreGone(pid, child.marker));
    return outcome;
  }

  /**
   * The record goes once nothing carries the child's marker: a tool that outlived Claude Code
   * (started with setsid, and not ended by the bot) keeps it, for the next start to reap.
   */
  private async forgetOnceToolsAreGone(pid: number, marker: string): Promise<void> {
    const entry = `${this.deps.markerEnv}=${marker}`;
    const deadline = Date.now() + (this.deps.toolsSettleMs ?? 10_000);
    for (;;) {
      const left = (await findProcessesByEnv([entry], this.deps.procRoot)).get(entry) ?? [];
      if (left.length === 0) break;
      if (Date.now() >= deadline) {
        this.deps.logger.warn({ pid, left }, 'tools outlived their Claude Code process; kept on record');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await this.remove(pid).catch((error: unknown) =>
      this.deps.logger.error({ err: error, pid }, 'could not remove the child process record'),
    );
  }

  /**
   * At start, before anything is spawned: ends every process a previous instance recorded and
   * left running, then clears the record. Never throws; a corrupted record is reported and ignored.
   */
  async reapLeftovers(options: { graceMs?: number } = {}): Promise<ReapReport> {
    const read = await readJson(this.file, childrenFileSchema);
    const leftovers = read.ok ? read.value.children : [];
    const report = await reapChildren(leftovers, {
      markerEnv: this.deps.markerEnv,
      graceMs: options.graceMs ?? 3_000,
      ...(this.deps.procRoot ? { procRoot: this.deps.procRoot } : {}),
    });
    if (!read.ok && read.error === 'malformed') report.corrupted = read.detail;
    this.log(report);
    if (read.ok || read.error === 'malformed') {
      await this.persist().catch((error: unknown) =>
        this.deps.logger.error({ err: error }, 'could not clear the child process record'),
      );
    }
    return report;
  }

  private log(report: ReapReport): void {
    const { logger } = this.deps;
    if (report.corrupted !== undefined)
      logger.warn(
        { file: this.file, detail: report.corrupted },
        'child process record is corrupted; ignored',
      );
    if (report.ended.length + report.killed.length > 0)
      logger.warn(
        { ended: report.ended, killed: report.killed },
        'ended processes a previous instance left behind',
      );
    if (report.reused.length > 0)
      logger.info({ pids: report.reused }, 'recorded pids now belong to other processes; left alone');
    if (report.survivors.length > 0)
      logger.error({ pids: report.survivors }, 'left-over processes survived SIGKILL');
  }

  private persist(): Promise<void> {
    const write = async () => {
      await mkdir(this.deps.stateDir, { recursive: true });
      await writeJsonAtomic(this.file, { version: 1, children: this.recorded() });
    };
    const next = this.writing.then(write, write);
    this.writing = next.catch(() => undefined);
    return next;
  }
}
