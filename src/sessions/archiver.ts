import path from 'node:path';
import type { Logger } from '../logging.ts';
import { type ArchiveInfo, archiveSession, claudeProjectDir, listArchives } from './archive.ts';
import type { ChatStore } from './chat-store.ts';
import { isValidName } from './names.ts';
import type { SessionStore } from './session-store.ts';

/**
 * `/archive`'s domain side: a session stopped, packed with its Claude transcript (archive.ts),
 * removed, and forgotten as the active session of every chat that had it. Answers typed outcomes;
 * src/telegram/ words them.
 */

export type ArchiveRequestOutcome =
  | {
      ok: true;
      kind: 'archived';
      name: string;
      file: string;
      bytes: number;
      /** The chats whose active session it was (ids as stored: text); they have none now. */
      clearedChats: string[];
      /** Packed, but the session's folder (or a transcript) could not be removed entirely. */
      leftover?: string;
    }
  | { ok: false; reason: 'invalid_name' | 'not_found'; name: string }
  /** Nothing was removed: the session is as it was (its process stopped; the next message starts it). */
  | { ok: false; reason: 'failed'; name: string; detail: string };

export interface SessionArchiverDeps {
  sessions: SessionStore;
  chats: ChatStore;
  /** Ends the session's Claude Code process and waits until it has exited (transcript flushed). */
  stopProcess: (name: string) => Promise<void>;
  /** `DATA_DIR/sessions_archive` */
  archiveDir: string;
  /** Claude Code's config directory (`CLAUDE_CONFIG_DIR`, else `~/.claude`): where transcripts are. */
  claudeConfigDir: string;
  now: () => Date;
  logger: Logger;
}

export class SessionArchiver {
  constructor(private readonly deps: SessionArchiverDeps) {}

  /** Whether `name` could be archived now (checked before the confirmation button is shown). */
  async check(name: string): Promise<{ ok: true } | { ok: false; reason: 'invalid_name' | 'not_found' }> {
    if (!isValidName(name)) return { ok: false, reason: 'invalid_name' };
    const loaded = await this.deps.sessions.load(name);
    // A damaged metadata.json is still a session folder worth keeping: it can be archived.
    return loaded.ok || loaded.error === 'malformed' ? { ok: true } : { ok: false, reason: 'not_found' };
  }

  async archive(name: string): Promise<ArchiveRequestOutcome> {
    const { sessions, chats, logger } = this.deps;
    const checked = await this.check(name);
    if (!checked.ok) return { ok: false, reason: checked.reason, name };
    const loaded = await sessions.load(name);
    const claudeSessionId = loaded.ok ? loaded.session.metadata.claude_session_id : null;
    const sessionDir = sessions.dirOf(name);

    await this.deps.stopProcess(name);
    const outcome = await archiveSession({
      name,
      sessionDir,
      transcripts: {
        projectDir: await claudeProjectDir(this.deps.claudeConfigDir, sessionDir),
        sessionIds: claudeSessionId ? [claudeSessionId] : [],
      },
      archiveDir: this.deps.archiveDir,
      now: this.deps.now(),
    });
    if (outcome.kind === 'no-session') return { ok: false, reason: 'not_found', name };
    if (outcome.kind === 'failed') {
      logger.error({ session: name, stage: outcome.stage, detail: outcome.detail }, 'archive failed');
      return { ok: false, reason: 'failed', name, detail: outcome.detail };
    }
    // A message that reached the session while it was packed may have started a process again.
    await this.deps.stopProcess(name);
    // The session is gone either way; a chat still naming it is told there is none on its next message.
    const clearedChats = await chats.forget(name).catch((error: unknown) => {
      logger.error({ err: error, session: name }, 'could not clear the archived session from chats.json');
      return [];
    });
    logger.info({ session: name, file: outcome.file, bytes: outcome.bytes }, 'session archived');
    if (outcome.kind === 'not-removed')
      logger.warn({ session: name, detail: outcome.detail }, 'archived session not entirely removed');
    return {
      ok: true,
      kind: 'archived',
      name,
      file: path.basename(outcome.file),
      bytes: outcome.bytes,
      clearedChats,
      ...(outcome.kind === 'not-removed' ? { leftover: outcome.detail } : {}),
    };
  }

  /** The archives, newest first. */
  list(): Promise<ArchiveInfo[]> {
    return listArchives(this.deps.archiveDir);
  }
}
