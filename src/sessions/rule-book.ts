import type { SessionStore } from './session-store.ts';

/**
 * A session's "Allow for session" rules, kept in its metadata.json (`allowed_tools`) as Claude Code
 * writes them. Every change is a read-modify-write of the file as it is then, so two rules added at
 * once are both kept.
 */
export class SessionRuleBook {
  constructor(private readonly sessions: SessionStore) {}

  async list(session: string): Promise<string[]> {
    return (await this.sessions.get(session))?.metadata.allowed_tools ?? [];
  }

  /** Adds the rule (once); resolves when it is on disk. Throws when the session cannot be written. */
  async add(session: string, rule: string): Promise<void> {
    const result = await this.sessions.update(session, (current) => {
      const rules = current.allowed_tools ?? [];
      return { allowed_tools: rules.includes(rule) ? rules : [...rules, rule] };
    });
    if (!result.ok) throw new Error(`could not store the rule for session ${session}: ${result.error}`);
  }

  /** Removes the rule; resolves with whether it was there. */
  async remove(session: string, rule: string): Promise<boolean> {
    let found = false;
    const result = await this.sessions.update(session, (current) => {
      const rules = current.allowed_tools ?? [];
      found = rules.includes(rule);
      return { allowed_tools: rules.filter((kept) => kept !== rule) };
    });
    return result.ok && found;
  }
}
