import { readdir } from 'node:fs/promises';
import { residentMemoryOf } from '../claude/proc-memory.ts';
import type { IdleTimers } from './idle-timers.ts';
import type { LiveProcesses } from './live-processes.ts';
import { isValidName } from './names.ts';
import type { Session, SessionStore } from './session-store.ts';

/**
 * `working`: Claude answers or messages wait; `live`: its process runs, idle; `held`: its
 * conversation cannot be resumed and the owner is asked; `suspended`: no process; `failed`:
 * its Claude Code kept crashing, until started again.
 */
export type SessionState = 'working' | 'live' | 'held' | 'suspended' | 'failed';

export interface SessionSummary {
  name: string;
  persona: string;
  /** The model override, else the persona's; undefined: Claude Code's default. */
  model: string | undefined;
  /** The session's permission mode, else the persona's; undefined: `default`. */
  mode: string | undefined;
  state: SessionState;
  lastActiveAt: Date;
}

export interface SessionsOverview {
  /** Most recently active first. */
  sessions: SessionSummary[];
  /** Session folders whose metadata.json cannot be read (damaged), by name: listed, not usable. */
  unreadable: string[];
  liveProcesses: number;
  /** Resident memory of the live Claude Code processes and everything they started. */
  memoryBytes: number;
}

function stateOf(session: Session, processes: LiveProcesses): SessionState {
  const name = session.metadata.name;
  const process = processes.running(name);
  if (process?.state === 'held') return 'held';
  if (processes.isBusy(name)) return 'working';
  if (process) return 'live';
  return session.metadata.failed_at ? 'failed' : 'suspended';
}

function textField(metadata: Record<string, unknown>, key: string): string | undefined {
  const value = metadata[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Every session with its state, persona, model, mode and last activity, and what the live ones weigh. */
export async function sessionsOverview(deps: {
  sessions: SessionStore;
  processes: LiveProcesses;
  timers: IdleTimers;
  memoryOf?: (pids: number[]) => Promise<number>;
}): Promise<SessionsOverview> {
  const { sessions, processes, timers } = deps;
  const listed = await sessions.list();
  const summaries = await Promise.all(
    listed.map(async (session): Promise<SessionSummary> => {
      const { metadata } = session;
      const persona = await sessions.readPersona(metadata.name);
      const recorded = Date.parse(metadata.last_active_at);
      const lastActivity = Math.max(recorded, timers.lastActivity(metadata.name) ?? recorded);
      return {
        name: metadata.name,
        persona: metadata.persona,
        model: metadata.model_override ?? persona?.settings.model,
        mode: textField(metadata, 'permission_mode') ?? persona?.settings.permission_mode,
        state: stateOf(session, processes),
        lastActiveAt: new Date(lastActivity),
      };
    }),
  );
  summaries.sort(
    (a, b) => b.lastActiveAt.getTime() - a.lastActiveAt.getTime() || a.name.localeCompare(b.name),
  );
  const pids = processes.pids();
  const memoryBytes = await (deps.memoryOf ?? residentMemoryOf)(pids);
  const unreadable = await unreadableSessions(sessions, new Set(listed.map((s) => s.metadata.name)));
  return { sessions: summaries, unreadable, liveProcesses: processes.names().length, memoryBytes };
}

/** The session folders `list` skipped because their metadata.json is damaged (not merely missing). */
async function unreadableSessions(sessions: SessionStore, listed: Set<string>): Promise<string[]> {
  const entries = await readdir(sessions.sessionsDir, { withFileTypes: true }).catch(() => []);
  const unreadable: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !isValidName(entry.name) || listed.has(entry.name)) continue;
    const loaded = await sessions.load(entry.name);
    if (!loaded.ok && loaded.error === 'malformed') unreadable.push(entry.name);
  }
  return unreadable.sort();
}
