import type { Dirent } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logging.ts';
import { readJson, writeJsonAtomic } from './atomic.ts';
import { isValidName } from './names.ts';
import {
  compareNames,
  PERMISSION_MODES,
  type PermissionMode,
  type Persona,
  PersonaSchema,
} from './personas.ts';
import { KeyedSerializer } from './serial.ts';
import { NO_USAGE, type SessionUsage, SessionUsageSchema } from './usage.ts';

export const SESSION_STATUSES = ['idle', 'active', 'suspended'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** How a session's output is shown (`/verbose`, `/smart`); absent means `default`. */
export const OUTPUT_MODES = ['default', 'verbose', 'smart'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

const isoTime = z.iso.datetime({ offset: true });

/**
 * `metadata.json` (SPEC.md "Sessions on disk"). Loose, so fields added by later features
 * survive a read-modify-write by code that does not know them yet.
 */
export const SessionMetadataSchema = z.looseObject({
  name: z.string(),
  persona: z.string(),
  status: z.enum(SESSION_STATUSES),
  created_at: isoTime,
  last_active_at: isoTime,
  claude_session_id: z.string().min(1).nullable(),
  /** Set by `/model`; null means the persona's model (or Claude Code's default). */
  model_override: z.string().min(1).nullable().default(null),
  /** What the session's turns used (see usage.ts); absent until its first turn. */
  usage: SessionUsageSchema.optional(),
  /** Set by `/timeout`: minutes without activity before the process is ended; 0 never; absent: the setting. */
  idle_timeout_minutes: z.number().int().min(0).max(1440).nullable().optional(),
  /** When its Claude Code kept crashing and it was given up on; cleared when it is started again. */
  failed_at: isoTime.nullable().optional(),
  /** Set by `/mode` or an approved plan; unset means the persona's mode. */
  permission_mode: z.enum(PERMISSION_MODES).optional(),
  /** The session's "Allow for session" rules, in Claude Code's rule syntax. */
  allowed_tools: z.array(z.string()).optional(),
  /** Set by `/verbose` and `/smart`; a value this version does not know reads as absent. */
  output_mode: z.enum(OUTPUT_MODES).optional().catch(undefined),
});

export type SessionMetadata = z.output<typeof SessionMetadataSchema>;

/** What `update` may change: everything but the identity and birth of a session. */
export interface MetadataPatch {
  persona?: string;
  status?: SessionStatus;
  last_active_at?: string;
  claude_session_id?: string | null;
  model_override?: string | null;
  idle_timeout_minutes?: number | null;
  failed_at?: string | null;
  permission_mode?: PermissionMode;
  allowed_tools?: string[];
  output_mode?: OutputMode;
}

export interface Session {
  /** `DATA_DIR/sessions/<name>`: the session's directory and Claude Code's working directory. */
  dir: string;
  metadata: SessionMetadata;
}

export type CreateResult = { ok: true; session: Session } | { ok: false; error: 'invalid_name' | 'exists' };

export type LoadResult =
  | { ok: true; session: Session }
  | { ok: false; error: 'invalid_name' | 'not_found' }
  | { ok: false; error: 'malformed'; detail: string };

export interface SessionStoreOptions {
  dataDir: string;
  now: () => Date;
  logger: Logger;
}

/**
 * Sessions on disk: `DATA_DIR/sessions/<name>/` with its `metadata.json` and `persona.json`.
 * Every write is atomic, and writes to the same file are serialized, so concurrent calls never
 * lose an update or corrupt a file. Bad data on disk is logged and reported as a value, never thrown.
 */
export class SessionStore {
  readonly sessionsDir: string;
  private readonly now: () => Date;
  private readonly logger: Logger;
  private readonly serializer = new KeyedSerializer();

  constructor(options: SessionStoreOptions) {
    this.sessionsDir = path.join(options.dataDir, 'sessions');
    this.now = options.now;
    this.logger = options.logger;
  }

  /** The directory of session `name`. Only meaningful for a valid name. */
  dirOf(name: string): string {
    return path.join(this.sessionsDir, name);
  }

  /**
   * Creates session `name` with a copy of `persona`, status `idle`. Never overwrites: if the
   * directory exists (even without metadata) the result is `exists`. Throws only on I/O failure.
   */
  async create(name: string, persona: Persona): Promise<CreateResult> {
    if (!isValidName(name)) return { ok: false, error: 'invalid_name' };
    await mkdir(this.sessionsDir, { recursive: true });
    const dir = this.dirOf(name);
    try {
      // Not recursive: of two concurrent creates, exactly one gets the directory.
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ok: false, error: 'exists' };
      throw error;
    }
    const time = this.now().toISOString();
    const metadata: SessionMetadata = {
      name,
      persona: persona.name,
      status: 'idle',
      created_at: time,
      last_active_at: time,
      claude_session_id: null,
      model_override: null,
    };
    try {
      await writeJsonAtomic(path.join(dir, 'persona.json'), persona);
      // Metadata last: its presence marks a complete session.
      await this.serializer.run(this.metadataFile(name), () =>
        writeJsonAtomic(this.metadataFile(name), metadata),
      );
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    this.logger.info({ session: name, persona: persona.name }, 'session created');
    return { ok: true, session: { dir, metadata } };
  }

  /** Session `name` with the reason it could not be read, if so. */
  async load(name: string): Promise<LoadResult> {
    if (!isValidName(name)) return { ok: false, error: 'invalid_name' };
    const result = await readJson(this.metadataFile(name), SessionMetadataSchema);
    if (result.ok) return { ok: true, session: { dir: this.dirOf(name), metadata: result.value } };
    if (result.error === 'missing') return { ok: false, error: 'not_found' };
    return { ok: false, error: 'malformed', detail: result.detail };
  }

  /** Session `name`, or undefined if it does not exist or its metadata is unreadable (logged). */
  async get(name: string): Promise<Session | undefined> {
    const result = await this.load(name);
    if (result.ok) return result.session;
    if (result.error === 'malformed') this.warnMalformed(name, result.detail);
    return undefined;
  }

  /** Every readable session, sorted by name; unreadable ones are skipped with a warning. */
  async list(): Promise<Session[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.sessionsDir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const names = entries
      .filter((entry) => entry.isDirectory() && isValidName(entry.name))
      .map((e) => e.name);
    const sessions: Session[] = [];
    for (const name of names.sort(compareNames)) {
      const result = await this.load(name);
      if (result.ok) sessions.push(result.session);
      else if (result.error === 'malformed') this.warnMalformed(name, result.detail);
      else this.logger.warn({ session: name }, 'session skipped: its directory has no metadata.json');
    }
    return sessions;
  }

  /**
   * Applies `patch` to the metadata of `name`, atomically; the result must still be valid. A function
   * patch is computed from the metadata as it is at the write (to add to a list without losing a
   * concurrent addition).
   */
  async update(
    name: string,
    change: MetadataPatch | ((current: SessionMetadata) => MetadataPatch),
  ): Promise<LoadResult> {
    if (!isValidName(name)) return { ok: false, error: 'invalid_name' };
    return this.serializer.run(this.metadataFile(name), async (): Promise<LoadResult> => {
      const current = await this.load(name);
      if (!current.ok) return current;
      const patch = typeof change === 'function' ? change(current.session.metadata) : change;
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const merged = SessionMetadataSchema.parse({
        ...current.session.metadata,
        ...changes,
        name,
        created_at: current.session.metadata.created_at,
      });
      await writeJsonAtomic(this.metadataFile(name), merged);
      return { ok: true, session: { dir: current.session.dir, metadata: merged } };
    });
  }

  /** Rewrites the session's `usage` with `change`, in turn with every other write of its metadata. */
  async updateUsage(name: string, change: (usage: SessionUsage) => SessionUsage): Promise<LoadResult> {
    if (!isValidName(name)) return { ok: false, error: 'invalid_name' };
    return this.serializer.run(this.metadataFile(name), async (): Promise<LoadResult> => {
      const current = await this.load(name);
      if (!current.ok) return current;
      const metadata = SessionMetadataSchema.parse({
        ...current.session.metadata,
        usage: change(current.session.metadata.usage ?? NO_USAGE),
      });
      await writeJsonAtomic(this.metadataFile(name), metadata);
      return { ok: true, session: { dir: current.session.dir, metadata } };
    });
  }

  /** Records activity now (`last_active_at`). */
  touch(name: string): Promise<LoadResult> {
    return this.update(name, { last_active_at: this.now().toISOString() });
  }

  /** The persona a session was created with (its `persona.json`), or undefined (logged if bad). */
  async readPersona(name: string): Promise<Persona | undefined> {
    if (!isValidName(name)) return undefined;
    const file = path.join(this.dirOf(name), 'persona.json');
    const result = await readJson(file, PersonaSchema);
    if (result.ok) return result.value;
    if (result.error === 'malformed')
      this.logger.warn({ session: name, problem: result.detail }, 'bad persona.json');
    return undefined;
  }

  private metadataFile(name: string): string {
    return path.join(this.dirOf(name), 'metadata.json');
  }

  private warnMalformed(name: string, detail: string): void {
    this.logger.warn({ session: name, problem: detail }, 'session skipped: malformed metadata.json');
  }
}
