import type { PermissionMode } from '../../sessions/personas.ts';

/** Every sentence of `/mode`. The mode names are the command's own: `bypass` for bypassPermissions. */

export const MODE_ARGUMENTS: Record<string, PermissionMode> = {
  default: 'default',
  acceptEdits: 'acceptEdits',
  plan: 'plan',
  bypass: 'bypassPermissions',
};

export const modeName = (mode: PermissionMode): string => (mode === 'bypassPermissions' ? 'bypass' : mode);

export const modeLine = (session: string, mode: PermissionMode): string =>
  `Mode for '${session}': ${modeName(mode)}.`;

export const MODE_USAGE = 'Usage: /mode [default|acceptEdits|plan|bypass]';

export const MODE_CHOICES_HINT = [
  'default: Claude asks before running commands and editing files',
  'acceptEdits: file edits in the session run without asking; commands are asked for',
  'plan: Claude only reads and plans, then asks you to approve the plan',
  'bypass: every tool runs without asking',
].join('\n');

export const BYPASS_CONFIRM = '⚠️ Yes, bypass';
export const BYPASS_CANCEL = 'Cancel';

export const bypassConfirmText = (session: string): string =>
  `Bypass lets Claude in '${session}' run every tool, commands included, without asking you. Switch to bypass?`;

export const BYPASS_UNAVAILABLE =
  'Bypass cannot be had here: Claude Code runs as root, and as root it refuses bypass mode unless IS_SANDBOX=1 is set in the bot’s environment. The mode is unchanged.';

export const bypassBusyText = (session: string): string =>
  `Claude is working in '${session}', and bypass needs a fresh Claude Code process. Try again when the turn has ended. The mode is unchanged.`;

export const bypassCancelledText = (session: string, mode: PermissionMode): string =>
  `Bypass not switched on. ${modeLine(session, mode)}`;
