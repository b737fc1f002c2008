/**
 * Reads the stamps bench/cli-relay.mjs writes: when a user message reached the CLI's stdin and
 * when the CLI's result for it left its stdout.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The CLAUDE_PATH that relays to the real CLI and writes the stamps. */
export const RELAY_PATH = fileURLToPath(new URL('./cli-relay.mjs', import.meta.url));

const stampSchema = z.object({
  at: z.number(),
  dir: z.enum(['in', 'out']),
  type: z.enum(['started', 'user', 'assistant', 'result', 'can_use_tool', 'control_response']),
  text: z.string(),
  /** For a permission request and the answer to it: the control request's id. */
  requestId: z.string().optional(),
  /** The relay's pid (on `started` and `user`): pairs a message with the start of the relay it reached. */
  pid: z.number().optional(),
});

export type RelayStamp = z.infer<typeof stampSchema>;

export interface CliStamps {
  /** The user message reached the CLI's stdin. */
  inAt: number;
  /** The relay whose stdin it reached began (its node process), if it logged that. */
  startedAt?: number;
  /** The CLI wrote the turn's result on its stdout. */
  resultAt: number;
  /** The CLI wrote the assistant message holding the answer (before the result), if it did. */
  answerAt?: number;
}

/**
 * The stamps of the turn that sent `text` and was answered with `answer`. The relay writes a stamp
 * just after forwarding the line, so it can land a moment after the answer: waits up to `waitMs`.
 */
export async function cliStampsOf(
  logFile: string,
  text: string,
  answer: string,
  waitMs = 2_000,
): Promise<CliStamps | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = await readStamps(logFile, text, answer);
    if (found || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every stamp written so far. */
export async function readRelayLog(logFile: string): Promise<RelayStamp[]> {
  return (
    (await readFile(logFile, 'utf8').catch(() => ''))
      .split('\n')
      // A line being appended right now is not whole yet.
      .filter((line) => line.endsWith('}'))
      .map((line) => stampSchema.parse(JSON.parse(line)))
  );
}

async function readStamps(logFile: string, text: string, answer: string): Promise<CliStamps | undefined> {
  const stamps = await readRelayLog(logFile);
  const input = stamps.find((s) => s.dir === 'in' && s.type === 'user' && s.text === text);
  const result = stamps.find((s) => s.dir === 'out' && s.type === 'result' && s.text === answer);
  if (!input || !result) return undefined;
  const answered = stamps.find((s) => s.dir === 'out' && s.type === 'assistant' && s.text.includes(answer));
  // The last start of a relay with that pid before the message (a pid can be used again later).
  const started = stamps
    .slice(0, stamps.indexOf(input))
    .findLast((s) => s.type === 'started' && s.pid !== undefined && s.pid === input.pid);
  return {
    inAt: input.at,
    resultAt: result.at,
    ...(answered ? { answerAt: answered.at } : {}),
    ...(started ? { startedAt: started.at } : {}),
  };
}

/**
 * When the first user message whose text contains `marker` reached the CLI's stdin (content blocks'
 * texts joined, as the relay writes them). Waits up to `waitMs` for the relay's delayed write.
 */
export async function stdinStampOf(
  logFile: string,
  marker: string,
  waitMs = 2_000,
): Promise<number | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const stamps = (await readFile(logFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => line.endsWith('}'))
      .map((line) => stampSchema.parse(JSON.parse(line)));
    const found = stamps.find((s) => s.dir === 'in' && s.text.includes(marker));
    if (found || Date.now() > deadline) return found?.at;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
