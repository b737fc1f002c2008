import {
  escapeMarkdown,
  formatDuration,
  formatLoad,
  formatPercent,
  MARK,
  problemLine,
  roundForDisplay,
} from '../format.ts';
import type { Result } from '../http.ts';
import type { BeszelAlert, BeszelData, BeszelSystem } from './client.ts';

const STATUS_MARKS: Record<string, string> = {
  up: MARK.ok,
  down: MARK.bad,
  paused: MARK.paused,
  pending: MARK.pending,
};

const STATUS_ORDER = ['down', 'pending', 'paused', 'up'];

function loadOf(system: BeszelSystem): number[] | undefined {
  const { la, l1, l5, l15 } = system.info;
  if (la && la.length > 0) return la;
  if (l1 !== undefined) return [l1, l5 ?? Number.NaN, l15 ?? Number.NaN];
  return undefined;
}

function systemLine(system: BeszelSystem): string {
  const mark = STATUS_MARKS[system.status] ?? MARK.warning;
  const name = `**${escapeMarkdown(system.name)}**`;
  if (system.status !== 'up') return `${mark} ${name} — ${escapeMarkdown(system.status)}`;
  const { info } = system;
  const parts: string[] = [];
  if (info.cpu !== undefined) parts.push(`CPU ${formatPercent(info.cpu)}`);
  if (info.mp !== undefined) parts.push(`RAM ${formatPercent(info.mp)}`);
  if (info.dp !== undefined) parts.push(`Disk ${formatPercent(info.dp)}`);
  if (info.u !== undefined) parts.push(`up ${formatDuration(info.u)}`);
  const load = loadOf(system);
  if (load) parts.push(`load ${formatLoad(load)}`);
  if (info.dt !== undefined && info.dt > 0) parts.push(`${Math.round(info.dt)} °C`);
  return parts.length > 0 ? `${mark} ${name} — ${parts.join(' · ')}` : `${mark} ${name}`;
}

/** Beszel alert names → what the threshold means. */
function alertCondition(alert: BeszelAlert): string {
  const value = alert.value === undefined ? '' : roundForDisplay(alert.value);
  switch (alert.name) {
    case 'Status':
      return 'down';
    case 'CPU':
    case 'Memory':
    case 'Disk':
      return `${alert.name} above ${value}%`;
    case 'Temperature':
      return `temperature above ${value} °C`;
    case 'Bandwidth':
      return `bandwidth above ${value} MB/s`;
    default: {
      const load = /^LoadAvg(\d+)$/.exec(alert.name);
      if (load) return `load (${load[1]} min) above ${value}`;
      return `${escapeMarkdown(alert.name)}${value ? ` above ${value}` : ''}`;
    }
  }
}

function alertLines(alerts: Result<BeszelAlert[]>, systems: BeszelSystem[]): string[] {
  if (!alerts.ok) return ['', '**🔔 Alerts**', problemLine(alerts.failure.problem)];
  const triggered = alerts.value.filter((alert) => alert.triggered);
  if (triggered.length === 0) return ['', `**🔔 Alerts** ${MARK.ok} none triggered`];
  const names = new Map(systems.map((system) => [system.id, system.name]));
  return [
    '',
    `**🔔 Alerts** ${triggered.length} triggered`,
    ...triggered.map(
      (alert) =>
        `- ${MARK.warning} ${escapeMarkdown(names.get(alert.system) ?? alert.system)}: ${alertCondition(alert)}`,
    ),
  ];
}

/** `/beszel`: every system (down first) with its usage, then the alerts that are triggered. */
export function formatBeszelReport(report: Result<BeszelData>): string {
  const heading = '**📊 Beszel**';
  if (!report.ok) return [heading, problemLine(report.failure.problem)].join('\n');
  const { systems, alerts } = report.value;
  const rank = (system: BeszelSystem) => {
    const index = STATUS_ORDER.indexOf(system.status);
    return index === -1 ? 0 : index;
  };
  const sorted = [...systems].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const counts = STATUS_ORDER.map(
    (status) => [status, systems.filter((s) => s.status === status).length] as const,
  )
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  const summary = `${systems.length} system${systems.length === 1 ? '' : 's'}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;
  return [
    `${heading} ${summary}`,
    ...(systems.length === 0 ? ['_no systems_'] : sorted.map(systemLine)),
    ...alertLines(alerts, systems),
  ].join('\n');
}
