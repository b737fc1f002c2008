import { isValidName } from './names.ts';
import type { CreateOutcome } from './outcomes.ts';
import type { PersonaLibrary } from './personas.ts';
import type { SessionStore } from './session-store.ts';

type CreateRefusal = Extract<CreateOutcome, { ok: false }>;

/**
 * Creates the session's folder with the persona (`default` unless named), or says why not: a bad
 * name, an unknown persona (with those there are), a session of that name, or a folder there
 * that is not a session.
 */
export async function createOnDisk(
  deps: { sessions: SessionStore; personas: PersonaLibrary },
  name: string,
  personaName: string | undefined,
): Promise<{ ok: true; persona: string } | CreateRefusal> {
  if (!isValidName(name)) return { ok: false, reason: 'invalid_name', name };
  const wanted = personaName ?? 'default';
  const persona = await deps.personas.get(wanted);
  if (!persona) {
    const available = (await deps.personas.list()).map(({ name, description }) => ({ name, description }));
    return { ok: false, reason: 'unknown_persona', persona: wanted, available };
  }
  const created = await deps.sessions.create(name, persona);
  if (created.ok) return { ok: true, persona: persona.name };
  if (created.error === 'invalid_name') return { ok: false, reason: 'invalid_name', name };
  const existing = await deps.sessions.load(name);
  if (existing.ok) return { ok: false, reason: 'exists', name };
  const metadata = existing.error === 'malformed' ? 'damaged' : 'missing';
  return { ok: false, reason: 'folder_not_a_session', name, metadata };
}
