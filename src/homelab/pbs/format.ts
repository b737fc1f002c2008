import {
  escapeMarkdown,
  formatAge,
  formatDate,
  formatDuration,
  formatLoad,
  formatPercent,
  formatUsage,
  fromUnixSeconds,
  MARK,
  oneLine,
  problemLine,
  proxmoxTaskState,
  sharedProblem,
  taskStateMark,
} from '../format.ts';
import type { Result } from '../http.ts';
import type { DatastoreUsage, PbsNodeStatus, PbsTask } from './client.ts';

export interface PbsReport {
  node: Result<PbsNodeStatus>;
  datastores: Result<DatastoreUsage[]>;
  garbageCollections: Result<PbsTask[]>;
  verifications: Result<PbsTask[]>;
}

function nodeLines(node: PbsNodeStatus): string[] {
  const first = [`${MARK.ok} Up ${formatDuration(node.uptime)}`];
  if (node.cpu !== undefined) first.push(`CPU ${formatPercent(node.cpu * 100)}`);
  if (node.loadavg && node.loadavg.length > 0) first.push(`load ${formatLoad(node.loadavg)}`);
  const second: string[] = [];
  if (node.memory) second.push(`RAM ${formatUsage(node.memory.used, node.memory.total)}`);
  if (node.root) second.push(`root ${formatUsage(node.root.used, node.root.total)}`);
  return [first.join(' · '), ...(second.length > 0 ? [second.join(' · ')] : [])];
}

function fullDate(estimate: number | undefined, now: Date): string | undefined {
  if (estimate === undefined) return undefined;
  // PBS answers 0 (flat usage) or a date in the past (shrinking usage) when the store is not filling up.
  if (estimate <= 0 || estimate * 1000 <= now.getTime()) return 'not filling up';
  return `full ~${formatDate(fromUnixSeconds(estimate))}`;
}

function datastoreLine(store: DatastoreUsage, now: Date): string {
  const name = `**${escapeMarkdown(store.store)}**`;
  if (store.error) return `- ${MARK.bad} ${name}: ${escapeMarkdown(oneLine(store.error, 120))}`;
  if (store.total === undefined || store.used === undefined) return `- ${name}: usage unknown`;
  const parts = [`- ${name} ${formatUsage(store.used, store.total)}`];
  const full = fullDate(store['estimated-full-date'], now);
  if (full) parts.push(full);
  return parts.join(' · ');
}

/** Verification tasks name their store first: `store`, `store:job`, `store:vm/100/…`. */
function storeOf(task: PbsTask): string {
  return (task.worker_id ?? '').split(':')[0] || '?';
}

function taskLines(tasks: PbsTask[], now: Date, what: string): string[] {
  const newestPerStore = new Map<string, PbsTask>();
  for (const task of [...tasks].sort((a, b) => b.starttime - a.starttime)) {
    if (!newestPerStore.has(storeOf(task))) newestPerStore.set(storeOf(task), task);
  }
  if (newestPerStore.size === 0) return [`- _no ${what} found_`];
  return [...newestPerStore.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([store, task]) => {
      const state = proxmoxTaskState(task);
      const when =
        state === 'running' ? 'running' : formatAge(fromUnixSeconds(task.endtime ?? task.starttime), now);
      const detail =
        state === 'failed' || state === 'warning'
          ? `: ${escapeMarkdown(oneLine(task.status ?? '', 100))}`
          : '';
      return `- ${taskStateMark(state)} ${escapeMarkdown(store)} ${when}${detail}`;
    });
}

function section<T>(title: string, result: Result<T>, render: (value: T) => string[]): string[] {
  return ['', `**${title}**`, ...(result.ok ? render(result.value) : [problemLine(result.failure.problem)])];
}

/** `/pbs`: node status, datastores with their estimated full date, last GC and verification per store. */
export function formatPbsReport(report: PbsReport, now: Date): string {
  const heading = '**🗄 Proxmox Backup Server**';
  const parts = [report.node, report.datastores, report.garbageCollections, report.verifications];
  const everythingFailed = sharedProblem(parts);
  if (everythingFailed) return [heading, problemLine(everythingFailed)].join('\n');
  const lines = [
    heading,
    ...(report.node.ok ? nodeLines(report.node.value) : [problemLine(report.node.failure.problem)]),
  ];
  lines.push(
    ...section('Datastores', report.datastores, (stores) =>
      stores.length === 0 ? ['- _no datastores_'] : stores.map((store) => datastoreLine(store, now)),
    ),
    ...section('Garbage collection', report.garbageCollections, (tasks) =>
      taskLines(tasks, now, 'garbage collection'),
    ),
    ...section('Verification', report.verifications, (tasks) => taskLines(tasks, now, 'verification')),
  );
  return lines.join('\n');
}
