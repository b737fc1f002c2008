import { Composer, type Context } from 'grammy';

/** The command menu (`setMyCommands`) and the `/help` text come from this one list. */
export const COMMANDS = [
  { command: 'new', args: '<name> [persona]', description: 'Create a Claude Code session and switch to it' },
  { command: 'session', args: '<name>', description: 'Switch to a session (it keeps running)' },
  { command: 'sessions', args: '', description: 'List sessions' },
  { command: 'stop', args: '', description: 'Stop the current turn and drop queued messages' },
  { command: 'usage', args: '[name]', description: 'Tokens and cost per session' },
  { command: 'sessions', args: '', description: 'List sessions: state, model, last activity, memory' },
  { command: 'timeout', args: '[minutes]', description: 'Idle timeout of the active session (0 = never)' },
  { command: 'archive', args: '[name]', description: 'Archive a session (alone: list the archives)' },
  {
    command: 'mode',
    args: '[default|acceptEdits|plan|bypass]',
    description: "Show or switch the session's permission mode",
  },
  { command: 'rules', args: '', description: "The session's Allow for session rules" },
  { command: 'last', args: '', description: "Send the active session's last answer again" },
  {
    command: 'model',
    args: '[sonnet|opus|haiku|id]',
    description: "Show or switch the active session's model",
  },
  { command: 'verbose', args: '', description: 'Toggle showing tool inputs and outputs' },
  { command: 'smart', args: '', description: 'Toggle short summaries of long answers (full text as a file)' },
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
    'Anything else you write goes to the active session; start it with ! to interrupt the current turn.',
    "Claude Code's /compact, /clear, /context, /cost and the project's own commands go to it too.",
  ].join('\n');
}

export function helpCommand(): Composer<Context> {
  const commands = new Composer<Context>();
  commands.command(['help', 'start'], (ctx) => ctx.reply(helpText()));
  return commands;
}
