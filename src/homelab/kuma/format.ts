import { escapeMarkdown, MARK, problemLine } from '../format.ts';
import type { Result } from '../http.ts';
import type { KumaMonitor, MonitorState } from './client.ts';

/** Certificates expiring sooner than this many days are mentioned. */
export const CERT_WARNING_DAYS = 14;

const STATE_MARKS: Record<MonitorState, string> = {
  down: MARK.bad,
  pending: MARK.pending,
  maintenance: MARK.maintenance,
  up: MARK.ok,
  unknown: MARK.warning,
};

/** Down first: what needs attention leads the message. */
const STATE_ORDER: MonitorState[] = ['down', 'unknown', 'pending', 'maintenance', 'up'];

function monitorLine(monitor: KumaMonitor): string {
  const parts: string[] = [];
  if (monitor.state !== 'up') parts.push(monitor.state);
  if (monitor.responseTimeMs !== undefined && monitor.state !== 'down') {
    parts.push(`${Math.round(monitor.responseTimeMs)} ms`);
  }
  if (monitor.certDaysRemaining !== undefined && monitor.certDaysRemaining < CERT_WARNING_DAYS) {
    const days = Math.floor(monitor.certDaysRemaining);
    parts.push(days < 0 ? `**cert expired**` : `**cert expires in ${days} day${days === 1 ? '' : 's'}**`);
  }
  const name = `**${escapeMarkdown(monitor.name)}**`;
  return `${STATE_MARKS[monitor.state]} ${name}${parts.length > 0 ? ` — ${parts.join(' · ')}` : ''}`;
}

/** `/kuma`: a summary line with the count of each state, then the monitors, down first. */
export function formatKumaReport(report: Result<KumaMonitor[]>): string {
  const heading = '**📡 Uptime Kuma**';
  if (!report.ok) return [heading, problemLine(report.failure.problem)].join('\n');
  const monitors = report.value;
  const count = (state: MonitorState) => monitors.filter((monitor) => monitor.state === state).length;
  const summary = [
    `${MARK.ok} ${count('up')} up`,
    `${MARK.bad} ${count('down')} down`,
    `${MARK.pending} ${count('pending')} pending`,
    `${MARK.maintenance} ${count('maintenance')} maintenance`,
  ].join(' · ');
  const sorted = [...monitors].sort(
    (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || a.name.localeCompare(b.name),
  );
  return [
    `${heading} ${monitors.length} monitor${monitors.length === 1 ? '' : 's'}`,
    summary,
    ...(monitors.length === 0 ? ['_no monitors (paused monitors are not listed)_'] : sorted.map(monitorLine)),
  ].join('\n');
}
