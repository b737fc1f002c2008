/**
 * Small formatting helpers shared by the homelab formatters. Output is Markdown for a phone:
 * short lines, rounded numbers, binary units, relative ages.
 */

export const MARK = {
  ok: '✅',
  bad: '❌',
  paused: '⏸',
  pending: '⏳',
  maintenance: '🔧',
  stopped: '⏹',
  warning: '⚠️',
} as const;

const KIB = 1024;
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Under 10: one decimal (without a trailing `.0`); otherwise a whole number. */
export function roundForDisplay(value: number): string {
  if (!Number.isFinite(value)) return '?';
  if (Math.abs(value) >= 10) return String(Math.round(value));
  return String(Math.round(value * 10) / 10);
}

function unitIndexFor(bytes: number): number {
  let index = 0;
  let scaled = Math.abs(bytes);
  while (scaled >= KIB && index < UNITS.length - 1) {
    scaled /= KIB;
    index += 1;
  }
  return index;
}

function inUnit(bytes: number, index: number): string {
  return roundForDisplay(bytes / KIB ** index);
}

/** `formatBytes(3.5 * 2 ** 30)` → `3.5 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  const index = unitIndexFor(bytes);
  return `${inUnit(bytes, index)} ${UNITS[index]}`;
}

/** `formatPercent(42.4)` → `42%`. */
export function formatPercent(percent: number): string {
  return Number.isFinite(percent) ? `${Math.round(percent)}%` : '?%';
}

/** `formatUsage(1.2 TiB, 3.6 TiB)` → `1.2 / 3.6 TiB (33%)`: both numbers in the total's unit. */
export function formatUsage(used: number, total: number, { percent = true } = {}): string {
  if (!Number.isFinite(total) || total <= 0) return formatBytes(used);
  const index = unitIndexFor(total);
  const amounts = `${inUnit(used, index)} / ${inUnit(total, index)} ${UNITS[index]}`;
  return percent ? `${amounts} (${formatPercent((used / total) * 100)})` : amounts;
}

/** `formatDuration(93784)` → `1d 2h`: the two largest units, for uptimes. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return `${minutes}m`;
  return `${s}s`;
}

/** `formatAge(then, now)` → `3h ago`, `2d ago`, `just now`; a time in the future → `in 3h`. */
export function formatAge(then: Date, now: Date): string {
  const seconds = (now.getTime() - then.getTime()) / 1000;
  if (Math.abs(seconds) < 60) return 'just now';
  const span = Math.abs(seconds);
  let text: string;
  if (span < 3600) text = `${Math.floor(span / 60)}m`;
  else if (span < 86_400) text = `${Math.floor(span / 3600)}h`;
  else if (span < 3 * 86_400) {
    const days = Math.floor(span / 86_400);
    const hours = Math.floor((span % 86_400) / 3600);
    text = hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  } else text = `${Math.floor(span / 86_400)}d`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

/** A Unix time in seconds, as services send it. */
export function fromUnixSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** `YYYY-MM-DD` in UTC. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `formatSeconds(5000)` → `5 s`, `formatSeconds(250)` → `0.25 s`. */
export function formatSeconds(milliseconds: number): string {
  return `${Math.round(milliseconds / 10) / 100} s`;
}

/** Load averages as `0.52 0.48 0.40`. */
export function formatLoad(load: readonly number[]): string {
  return load.map((value) => (Number.isFinite(value) ? value.toFixed(2) : '?')).join(' ');
}

/**
 * Escapes text that came from a service (names, error messages) so the Markdown renderer shows it
 * literally: CommonMark backslash escapes for the characters our Markdown subset gives meaning to.
 * An underscore inside a word (`PBS_URL`, `web_01`) cannot start emphasis, so it stays as it is.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*~[\]]/g, (character) => `\\${character}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');
}

/** Collapses whitespace and cuts long service-provided text (error bodies) for one line on a phone. */
export function oneLine(text: string, maxLength = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

/** The exact line SPEC asks for when a service has no settings. */
export function notConfigured(service: string, settingNames: readonly string[]): string {
  return `${service} is not configured: set ${settingNames.join(', ')}`;
}

/** A Proxmox task's state from its `status` text: `OK`, `WARNINGS: N`, error text, or none while running. */
export type TaskState = 'ok' | 'warning' | 'failed' | 'running';

export function proxmoxTaskState(task: { status?: string; endtime?: number }): TaskState {
  if (task.status === undefined || task.status === '')
    return task.endtime === undefined ? 'running' : 'failed';
  if (task.status === 'OK') return 'ok';
  if (task.status.startsWith('WARNINGS')) return 'warning';
  return 'failed';
}

export function taskStateMark(state: TaskState): string {
  return { ok: MARK.ok, warning: MARK.warning, failed: MARK.bad, running: MARK.pending }[state];
}

/**
 * The problem lines of failed results. When every part of a report failed the same way (the service
 * is down), one line says so instead of repeating it per section.
 */
export function sharedProblem(
  results: readonly { ok: boolean; failure?: { problem: string } }[],
): string | undefined {
  const problems = results.map((result) => (result.ok ? undefined : result.failure?.problem));
  const first = problems[0];
  return first !== undefined && problems.every((problem) => problem === first) ? first : undefined;
}

export function problemLine(problem: string): string {
  return `${MARK.bad} ${escapeMarkdown(problem)}`;
}
