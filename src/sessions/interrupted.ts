import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import { readJson, writeJsonAtomic } from './atomic.ts';

/** A chat's messages to a session that a shutdown left unanswered. */
export interface InterruptedTurn {
  chatId: number | string;
  session: string;
  unanswered: number;
}

const InterruptedSchema = z.array(
  z.object({
    chatId: z.union([z.number(), z.string()]),
    session: z.string(),
    unanswered: z.number().int().positive(),
  }),
);

/**
 * `DATA_DIR/state/interrupted.json`: the turns a shutdown cut off, written before the bot exits
 * and read (then removed) by the next start, which tells each chat.
 */
export class InterruptedTurns {
  readonly file: string;

  constructor(private readonly deps: { dataDir: string; logger: Logger }) {
    this.file = path.join(deps.dataDir, 'state', 'interrupted.json');
  }

  /** Adds to what an earlier shutdown recorded and no start has reported yet. */
  async record(turns: InterruptedTurn[]): Promise<void> {
    if (turns.length === 0) return;
    const earlier = await this.read();
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeJsonAtomic(this.file, [...earlier, ...turns]);
  }

  /** What the last shutdown recorded; the file is removed, so each cut-off turn is reported once. */
  async take(): Promise<InterruptedTurn[]> {
    const turns = await this.read();
    await rm(this.file, { force: true });
    return turns;
  }

  private async read(): Promise<InterruptedTurn[]> {
    const result = await readJson(this.file, InterruptedSchema);
    if (result.ok) return result.value;
    if (result.error === 'malformed')
      this.deps.logger.warn(
        { file: this.file, problem: result.detail },
        'interrupted.json unreadable; ignored',
      );
    return [];
  }
}
