import {
  escapeMarkdown,
  formatAge,
  formatBytes,
  fromUnixSeconds,
  MARK,
  oneLine,
  problemLine,
  proxmoxTaskState,
  sharedProblem,
} from '../format.ts';
import type { Result } from '../http.ts';
import type { PveTask } from '../pve/client.ts';
import type { PbsTask, Snapshot } from './client.ts';

/** A guest whose newest backup is older than this needs attention (a daily job plus slack). */
export const STALE_AFTER_HOURS = 26;

export interface StoreSnapshots {
  store: string;
  snapshots: Result<Snapshot[]>;
}

export interface BackupsReport {
  stores: Result<StoreSnapshots[]>;
  /** PBS tasks of the last 24 hours whose type mentions backup. */
  pbsTasks: Result<PbsTask[]>;
  /** PVE `vzdump` tasks of the last 24 hours per node; absent when PVE is not configured. */
  pveTasks?: Result<{ node: string; tasks: Result<PveTask[]> }[]>;
}

interface NewestBackup {
  guest: string;
  store: string;
  snapshot: Snapshot;
}

function newestPerGuest(stores: StoreSnapshots[]): NewestBackup[] {
  const newest = new Map<string, NewestBackup>();
  for (const { store, snapshots } of stores) {
    if (!snapshots.ok) continue;
    for (const snapshot of snapshots.value) {
      const guest = `${snapshot['backup-type']}/${snapshot['backup-id']}`;
      const known = newest.get(guest);
      if (!known || snapshot['backup-time'] > known.snapshot['backup-time'])
        newest.set(guest, { guest, store, snapshot });
    }
  }
  return [...newest.values()];
}

function problemsOf(backup: NewestBackup, now: Date): string[] {
  const problems: string[] = [];
  if (backup.snapshot.verification?.state === 'failed') problems.push('verification failed');
  const ageHours = (now.getTime() - backup.snapshot['backup-time'] * 1000) / 3_600_000;
  if (ageHours > STALE_AFTER_HOURS) problems.push(`older than ${STALE_AFTER_HOURS} h`);
  return problems;
}

function guestOrder(a: NewestBackup, b: NewestBackup): number {
  const [typeA, idA = ''] = a.guest.split('/');
  const [typeB, idB = ''] = b.guest.split('/');
  return (typeA ?? '').localeCompare(typeB ?? '') || idA.localeCompare(idB, undefined, { numeric: true });
}

function backupLine(backup: NewestBackup, now: Date, showStore: boolean): string {
  const { snapshot } = backup;
  const problems = problemsOf(backup, now);
  const mark =
    snapshot.verification?.state === 'failed' ? MARK.bad : problems.length > 0 ? MARK.warning : MARK.ok;
  const name = [backup.guest, snapshot.comment ? escapeMarkdown(oneLine(snapshot.comment, 40)) : undefined]
    .filter(Boolean)
    .join(' ');
  const parts = [formatAge(fromUnixSeconds(snapshot['backup-time']), now)];
  if (snapshot.size !== undefined) parts.push(formatBytes(snapshot.size));
  if (showStore) parts.push(`on ${escapeMarkdown(backup.store)}`);
  if (problems.length > 0) parts.push(`**${problems.join(', ')}**`);
  else parts.push(snapshot.verification?.state === 'ok' ? 'verified' : 'not verified');
  return `${mark} ${name} — ${parts.join(' · ')}`;
}

function failedTaskLine(
  source: string,
  what: string,
  task: { starttime: number; endtime?: number; status?: string },
  now: Date,
) {
  const when = formatAge(fromUnixSeconds(task.endtime ?? task.starttime), now);
  return `- ${MARK.bad} ${source} ${escapeMarkdown(what)} · ${when}: ${escapeMarkdown(oneLine(task.status ?? 'unknown', 100))}`;
}

function failedTaskLines(report: BackupsReport, now: Date, includePbs: boolean): string[] {
  const lines: string[] = [];
  const failed = <T extends { status?: string; endtime?: number }>(tasks: T[]) =>
    tasks.filter((task) => proxmoxTaskState(task) === 'failed');
  if (!includePbs) {
    // The PBS problem was said already, above.
  } else if (!report.pbsTasks.ok) lines.push(`- ${problemLine(report.pbsTasks.failure.problem)}`);
  else {
    for (const task of failed(report.pbsTasks.value)) {
      const target = (task.worker_id ?? '').split(':');
      const what = target.length > 1 ? `${target.slice(1).join(':')} on ${target[0]}` : (target[0] ?? '');
      lines.push(failedTaskLine('PBS', `${task.worker_type} ${what}`.trim(), task, now));
    }
  }
  // Problems are list items like the tasks: a plain line after a task item would join that item.
  if (report.pveTasks && !report.pveTasks.ok) lines.push(`- ${problemLine(report.pveTasks.failure.problem)}`);
  for (const { node, tasks } of report.pveTasks?.ok ? report.pveTasks.value : []) {
    if (!tasks.ok) lines.push(`- ${problemLine(tasks.failure.problem)}`);
    else
      for (const task of failed(tasks.value))
        lines.push(failedTaskLine('PVE', `vzdump ${task.id || 'job'} on ${node}`, task, now));
  }
  return lines.length === 0 ? [`${MARK.ok} none`] : lines;
}

/** `/backups`: the newest backup of every guest, the ones needing attention first, then failed backup tasks. */
export function formatBackupsReport(report: BackupsReport, now: Date): string {
  const heading = '**💾 Backups**';
  const pbsDown = sharedProblem([report.stores, report.pbsTasks]);
  if (pbsDown) {
    const lines = [heading, problemLine(pbsDown)];
    if (report.pveTasks)
      lines.push('', '**Failed backup tasks (24 h)**', ...failedTaskLines(report, now, false));
    return lines.join('\n');
  }
  const lines: string[] = [];
  if (!report.stores.ok) lines.push(heading, problemLine(report.stores.failure.problem));
  else {
    const stores = report.stores.value;
    const backups = newestPerGuest(stores).sort(guestOrder);
    const attention = backups.filter((backup) => problemsOf(backup, now).length > 0);
    const fine = backups.filter((backup) => problemsOf(backup, now).length === 0);
    const summary = `${backups.length} guest${backups.length === 1 ? '' : 's'}${attention.length > 0 ? ` · ${attention.length} need${attention.length === 1 ? 's' : ''} attention` : ''}`;
    lines.push(`${heading} ${summary}`);
    const showStore = stores.length > 1;
    for (const { store, snapshots } of stores) {
      if (!snapshots.ok)
        lines.push(`${MARK.bad} ${escapeMarkdown(store)}: ${escapeMarkdown(snapshots.failure.problem)}`);
    }
    if (backups.length === 0 && stores.every((store) => store.snapshots.ok)) lines.push('_no backups found_');
    lines.push(...[...attention, ...fine].map((backup) => backupLine(backup, now, showStore)));
  }
  lines.push('', '**Failed backup tasks (24 h)**', ...failedTaskLines(report, now, true));
  return lines.join('\n');
}
