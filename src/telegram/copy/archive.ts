/**
 * Every sentence of `/archive`, built from the archiver's typed outcomes. `Session '<name>' archived.`
 * is SPEC.md's text, relied on by outside tests: exact.
 */
import { formatBytes } from '../../homelab/format.ts';
import type { ArchiveInfo } from '../../sessions/archive.ts';
import type { ArchiveRequestOutcome } from '../../sessions/archiver.ts';
import { visible } from '../cards/visible.ts';

export const ARCHIVE_USAGE = 'Usage: /archive <name>';
export const ARCHIVE_BUTTON_CANCEL = 'Cancel';
export const STALE_ARCHIVE_PRESS = 'This archive request is no longer pending.';

const AFTER_CLEARING = 'Use /session <name> or /new <name> to pick one.';

export function archiveButtonText(name: string): string {
  return `🗄 Archive '${name}'`;
}

/** The question the confirmation button answers. */
export function archiveConfirmText(name: string, live: boolean): string {
  return [
    `Archive session '${name}'?`,
    `${live ? 'Its Claude Code process is stopped, then its' : 'Its'} folder and Claude's transcript are packed into DATA_DIR/sessions_archive/ and the session is removed.`,
  ].join('\n');
}

/** What the card says once it was answered (it loses its buttons). */
export function archiveCardSettledText(name: string, how: 'confirmed' | 'cancelled'): string {
  return how === 'confirmed' ? `Archiving session '${name}'…` : `Archive of '${name}' cancelled.`;
}

/** Refusals before a card is shown: a bad name, or no such session. */
export function archiveRefusedText(outcome: Extract<ArchiveRequestOutcome, { ok: false }>): string {
  switch (outcome.reason) {
    case 'invalid_name':
      // Shown with its hiding characters made visible: a U+202E would reverse the rest of the line.
      return `'${visible(outcome.name)}' is not a session name: nothing archived. ${ARCHIVE_USAGE}`;
    case 'not_found':
      return `Session '${outcome.name}' doesn't exist: nothing archived. /sessions lists them.`;
    case 'failed':
      return `Session '${outcome.name}' was not archived: ${outcome.detail}. Nothing was removed.`;
  }
}

/** The answer in the chat that confirmed; `hadIt`: the session was this chat's active one. */
export function archivedText(outcome: Extract<ArchiveRequestOutcome, { ok: true }>, hadIt: boolean): string {
  const lines = [
    `Session '${outcome.name}' archived.`,
    `Saved as ${outcome.file} (${formatBytes(outcome.bytes)}).`,
  ];
  if (outcome.leftover !== undefined)
    lines.push(`Part of its folder could not be removed: ${outcome.leftover}`);
  if (hadIt) lines.push(`This chat has no active session now. ${AFTER_CLEARING}`);
  return lines.join('\n');
}

/** The word to another chat whose active session it was. */
export function archivedElsewhereText(name: string): string {
  return `Session '${name}' was archived, so this chat has no active session now. ${AFTER_CLEARING}`;
}

/** `/archive` alone: the archives, newest first. */
export function archiveListText(archives: readonly ArchiveInfo[]): string {
  if (archives.length === 0) return `No archives in DATA_DIR/sessions_archive/ yet.\n${ARCHIVE_USAGE}`;
  const lines = archives.map(
    (archive) =>
      `• ${archive.name}: ${archivedAt(archive.archivedAt)}, ${formatBytes(archive.bytes)} (${fileName(archive.file)})`,
  );
  return ['Archives in DATA_DIR/sessions_archive/:', ...lines, ARCHIVE_USAGE].join('\n');
}

/** `2026-05-06 07:08 UTC` */
function archivedAt(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function fileName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}
