import { Composer, type Context } from 'grammy';

/** The command menu (`setMyCommands`) and the `/help` text come from this one list. */
export const COMMANDS = [
  { command: 'new', args: '<name> [persona]', description: 'Create a Claude Code session and switch to it' },
  { command: 'session', args: '<name>', description: 'Switch to a session (it keeps running)' },
  { command: 'sessions', args: '', description: 'List sessions' },
  { command: 'archive', args: '[name]', description: 'Archive a session (alone: list the archives)' },
  { command: 'status', args: '', description: 'Host and Proxmox VE status' },
  { command: 'pbs', args: '', description: 'Proxmox Backup Server status' },
  { command: 'backups', args: '', description: 'Newest backup of every guest' },
  { command: 'beszel', args: '', description: 'Beszel systems and alerts' },
  { command: 'kuma', args: '', description: 'Uptime Kuma monitors' },
  { command: 'ping', args: '[host…]', description: 'Ping hosts' },
  { command: 'help', args: '', description: 'What this bot can do' },
] as const;

export function helpText(): string {
  const lines = COMMANDS.map(
    ({ command, args, description }) => `/${command}${args ? ` ${args}` : ''} — ${description}`,
  );
  return [
    'Claude Code sessions and homelab status from your phone.',
    '',
    ...lines,
    '',
    'Anything else you write goes to the active session.',
  ].join('\n');
}

export function helpCommand(): Composer<Context> {
  const commands = new Composer<Context>();
  commands.command(['help', 'start'], (ctx) => ctx.reply(helpText()));
  return commands;
}
