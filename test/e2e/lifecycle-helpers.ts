/** What the lifecycle end-to-end tests look at: a session's metadata.json and its Claude Code processes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelReply, ModelTurn } from '../fakes/anthropic/index.ts';
import { claudeProcesses, type World, waitUntil } from './harness.ts';

/** Slow answers (about 4 s) for messages starting with `slow`, the echo for the rest. */
export function slowOrEcho(turn: ModelTurn): ModelReply {
  const text = `You said: ${turn.userText}`;
  if (!turn.userText.startsWith('slow')) return { text };
  const chunks = text.split(/(?= )/);
  return { text, chunks, chunkDelayMs: 4_000 / chunks.length };
}

export function metadataOf(world: World, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(world.dataDir, 'sessions', name, 'metadata.json'), 'utf8'));
}

/** The session's `claude` processes (found by their working directory). */
export async function processesOf(world: World, name: string) {
  const dir = path.join(world.dataDir, 'sessions', name);
  return (await claudeProcesses(world.home)).filter((p) => p.cwd === dir);
}

/** The pid of the session's live `claude`, once there is one (other than `not`). */
export async function livePid(world: World, name: string, not?: number): Promise<number> {
  let pid: number | undefined;
  await waitUntil(async () => {
    pid = (await processesOf(world, name)).find((p) => p.pid !== not && p.state !== 'Z')?.pid;
    return pid !== undefined;
  }, 30_000);
  return pid as number;
}

/** Resolves once the fake model has been asked about `text`. */
export function modelAsked(world: World, text: string): Promise<void> {
  return waitUntil(() => requestWith(world, text) !== undefined, 30_000);
}

/** The main-loop request that carried `text` last. */
export function requestWith(world: World, text: string) {
  return world.model.requests.findLast((request) => JSON.stringify(request.messages).includes(text));
}
