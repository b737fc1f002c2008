import type { SessionStore } from './session-store.ts';

/**
 * A session's "Allow for session" rules, kept in its metadata.json (`allowed_tools`) as Claude Code
 * writes them. Every change is a read-modify-write of the file as it is then, so two rules added at
 * once are both kept. The rules are read from disk once per session and then kept in memory (every
 * change goes through here), so a permission request never waits for the disk.
 */
export class SessionRuleBook {
  private readonly known = new Map<string, string[]>();

  constructor(private readonly sessions: SessionStore) {}

  async list(session: string): Promise<string[]> {
    const known = this.known.get(session);
    if (known) return known;
    const rules = (await this.sessions.get(session))?.metadata.allowed_tools ?? [];
    this.known.set(session, rules);
    return rules;
  }

  /** Adds the rule (once); resolves when it is on disk. Throws when the session cannot be written. */
  async add(session: string, rule: string): Promise<void> {
    const result = await this.sessions.update(session, (current) => {
      const rules = current.allowed_tools ?? [];
      return { allowed_tools: rules.includes(rule) ? rules : [...rules, rule] };
    });
    if (!result.ok) throw new Error(`could not store the rule for session ${session}: ${result.error}`);
    this.known.set(session, result.session.metadata.allowed_tools ?? []);
  }

  /** Removes the rule; resolves with whether it was there. */
  async remove(session: string, rule: string): Promise<boolean> {
    let found = false;
    const result = await this.sessions.update(session, (current) => {
      const rules = current.allowed_tools ?? [];
      found = rules.includes(rule);
      return { allowed_tools: rules.filter((kept) => kept !== rule) };
    });
    if (result.ok) this.known.set(session, result.session.metadata.allowed_tools ?? []);
    return result.ok && found;
  }
}
