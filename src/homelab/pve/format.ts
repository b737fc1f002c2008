import {
  escapeMarkdown,
  formatBytes,
  formatDuration,
  formatPercent,
  formatUsage,
  MARK,
  problemLine,
} from '../format.ts';
import type { Result } from '../http.ts';
import type { PveGuest, PveNode } from './client.ts';

export interface PveNodeReport {
  node: PveNode;
  /** Absent for nodes that are not online: PVE cannot list their guests. */
  qemu?: Result<PveGuest[]>;
  lxc?: Result<PveGuest[]>;
}

export type PveReport = Result<PveNodeReport[]>;

function guestMark(status: string): string {
  if (status === 'running') return MARK.ok;
  if (status === 'paused' || status === 'suspended') return MARK.paused;
  if (status === 'stopped') return MARK.stopped;
  return MARK.warning;
}

function guestLine(guest: PveGuest): string {
  const name = `${guest.vmid}${guest.name ? ` ${escapeMarkdown(guest.name)}` : ''}`;
  if (guest.status !== 'running')
    return `- ${guestMark(guest.status)} ${name} — ${escapeMarkdown(guest.status)}`;
  const parts = [`CPU ${formatPercent((guest.cpu ?? 0) * 100)}`];
  if (guest.mem !== undefined && guest.maxmem)
    parts.push(formatUsage(guest.mem, guest.maxmem, { percent: false }));
  else if (guest.mem !== undefined) parts.push(formatBytes(guest.mem));
  return `- ${MARK.ok} ${name} — ${parts.join(' · ')}`;
}

function guestSection(title: string, guests: Result<PveGuest[]> | undefined): string[] {
  if (guests === undefined) return [];
  // The blank line ends the list before it: a line right after a list item would join that item.
  if (!guests.ok) return ['', `_${title}_`, problemLine(guests.failure.problem)];
  const real = guests.value.filter((guest) => !guest.template).sort((a, b) => a.vmid - b.vmid);
  if (real.length === 0) return [];
  const running = real.filter((guest) => guest.status === 'running').length;
  return ['', `_${title}: ${running} of ${real.length} running_`, ...real.map(guestLine)];
}

function nodeLines({ node, qemu, lxc }: PveNodeReport): string[] {
  const online = node.status === undefined || node.status === 'online';
  const head = [`**${escapeMarkdown(node.node)}** ${online ? MARK.ok : MARK.bad}`];
  if (!online) head.push(escapeMarkdown(node.status ?? 'unknown'));
  if (online && node.uptime !== undefined) head.push(`up ${formatDuration(node.uptime)}`);
  if (online && node.cpu !== undefined) head.push(`CPU ${formatPercent(node.cpu * 100)}`);
  if (online && node.mem !== undefined && node.maxmem) head.push(`RAM ${formatUsage(node.mem, node.maxmem)}`);
  return [head.join(' · '), ...guestSection('VMs', qemu), ...guestSection('Containers', lxc)];
}

/** The Proxmox VE part of `/status`: each node, then its VMs and containers. */
export function formatPveReport(report: PveReport): string {
  const heading = '**🖧 Proxmox VE**';
  if (!report.ok) return [heading, problemLine(report.failure.problem)].join('\n');
  if (report.value.length === 0) return [heading, '_no nodes_'].join('\n');
  const nodes = [...report.value].sort((a, b) => a.node.node.localeCompare(b.node.node));
  return [heading, ...nodes.map((node) => nodeLines(node).join('\n'))].join('\n\n');
}
