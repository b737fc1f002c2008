/**
 * Every sentence of the session commands (`/new`, `/session`, `/sessions`, plain text), built from
 * the session manager's typed outcomes. The SPEC.md texts are relied on by outside tests: exact.
 */

import type {
  CreateOutcome,
  PersonaChoice,
  SendOutcome,
  StartFreshOutcome,
  SwitchOutcome,
} from '../../sessions/outcomes.ts';
import { sessionFailedText, startFreshText } from './lifecycle.ts';

export const NEW_USAGE = 'Usage: /new <name> [persona]';
export const SESSION_USAGE = 'Usage: /session <name>';
export const SESSIONS_HEADING = 'Sessions:';

/** SPEC.md's naming rule, in words the owner can act on. */
const NAME_RULE = '1–32 letters, digits, - or _, starting with a letter or digit';

/** `/new` without a name (or with too many words): the usage line and the personas to pick from. */
export function newUsageText(personaNames: string[]): string {
  return `${NEW_USAGE}\nPersonas: ${personaNames.join(', ')}`;
}

/** What the chat is told after `/new`, `/session`, a session button, or plain text it could not send. */
export function sessionOutcomeText(
  outcome: CreateOutcome | SwitchOutcome | Exclude<SendOutcome | StartFreshOutcome, { ok: true }>,
): string {
  if (outcome.ok) {
    if (outcome.kind === 'switched') return `Switched to session '${outcome.name}'.`;
    return outcome.personaGiven
      ? `Session '${outcome.name}' created with persona '${outcome.persona}'.`
      : `Session '${outcome.name}' created.`;
  }
  switch (outcome.reason) {
    case 'invalid_name':
      return `Session names are ${NAME_RULE}.`;
    case 'exists':
      return `Session '${outcome.name}' already exists. Use /session ${outcome.name} to switch to it.`;
    case 'not_found':
      return `Session '${outcome.name}' doesn't exist. Use /new ${outcome.name} to create it.`;
    case 'unknown_persona':
      return unknownPersonaText(outcome.persona, outcome.available);
    case 'folder_not_a_session':
      return `A folder '${outcome.name}' is already in the sessions directory, but it is not a readable session (${outcome.metadata === 'damaged' ? 'damaged' : 'no'} metadata.json). Move it away or pick another name.`;
    case 'damaged_metadata':
      return `Session '${outcome.name}' has a damaged metadata.json: ${outcome.detail}`;
    case 'no_active_session':
      return 'No active session. Use /new <name> to start one.';
    case 'shutting_down':
      return 'The bot is shutting down; send that again once it is back.';
    case 'start_failed':
      return `Session '${outcome.name}' could not start Claude Code; see the bot's log.`;
    case 'session_failed':
      return sessionFailedText(outcome.name);
    case 'nothing_to_start_fresh':
      return startFreshText(outcome);
  }
}

function unknownPersonaText(name: string, available: PersonaChoice[]): string {
  if (available.length === 0) return `Persona '${name}' doesn't exist, and no personas are available.`;
  const lines = available.map((persona) =>
    persona.description ? `• ${persona.name}: ${persona.description}` : `• ${persona.name}`,
  );
  return [`Persona '${name}' doesn't exist. Available personas:`, ...lines].join('\n');
}

/** One line of the session list. */
export interface SessionListEntry {
  name: string;
  persona: string;
  status: string;
  /** The chat's active session. */
  active: boolean;
  /** Its Claude Code process is running. */
  running: boolean;
  /** The model it runs, when known. */
  model?: string;
}

/** `/sessions` and `/session` without a name: a heading, then one line per session. */
export function sessionListText(heading: string, sessions: SessionListEntry[]): string {
  if (sessions.length === 0) return `${heading}\nNo sessions yet. Use /new <name> to start one.`;
  const lines = sessions.map(
    (session) =>
      `${session.active ? '▶️' : '•'} ${session.name} (${session.persona}, ${session.status}${session.running ? ', running' : ''}${session.model ? `, ${session.model}` : ''})`,
  );
  return [heading, ...lines].join('\n');
}

/** A forwarded message is someone else's words: a command at its start is not the owner's order. */
export const FORWARDED_COMMAND_REPLY =
  "That forwarded message starts with a command, and I don't run commands from forwarded messages. Send it yourself if you mean it.";

/** A message that starts with a command the bot does not have. */
export function unknownCommandText(command: string): string {
  return `Unknown command ${command}. /help lists the commands.`;
}
