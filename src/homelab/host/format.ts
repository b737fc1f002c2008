import { escapeMarkdown, formatDuration, formatLoad, formatUsage, MARK, problemLine } from '../format.ts';
import type { HostStatus } from './client.ts';

/** The host part of `/status`. */
export function formatHostStatus(host: HostStatus): string {
  const lines = [
    `**🖥 ${escapeMarkdown(host.hostname)}**`,
    `⏱ Up ${formatDuration(host.uptimeSeconds)} · load ${formatLoad(host.load)}`,
    `🧠 Memory ${formatUsage(host.memory.total - host.memory.available, host.memory.total)}`,
    ...host.disks.map(
      (disk) => `💾 ${escapeMarkdown(disk.mountPoint)} ${formatUsage(disk.used, disk.total)}`,
    ),
    ...host.diskProblems.map((problem) => `💾 ${MARK.warning} ${escapeMarkdown(problem)}`),
  ];
  if (host.temperatures.length > 0) {
    const readings = host.temperatures
      .slice(0, 4)
      .map((reading) => `${Math.round(reading.celsius)} °C ${escapeMarkdown(reading.label)}`);
    lines.push(`🌡 ${readings.join(' · ')}`);
  }
  return lines.join('\n');
}

export function formatHostProblem(problem: string): string {
  return ['**🖥 Host**', problemLine(problem)].join('\n');
}
