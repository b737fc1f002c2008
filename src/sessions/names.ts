import { NAME_PATTERN } from '../config/settings.ts';

/** SPEC.md's naming rule, in words the owner can act on. */
export const NAME_RULE = '1–32 letters, digits, - or _, starting with a letter or digit';

/**
 * True when `name` is a valid session or persona name (SPEC.md: `^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`).
 * Such a name is always a single, safe path segment: no `/`, no `..`, no leading dot.
 *
 * @example isValidName('test-session') // true
 * @example isValidName('../x') // false
 */
export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** The friendly reply for a name that breaks the rule. */
export function invalidNameMessage(name: string, kind: 'session' | 'persona' = 'session'): string {
  return `'${name}' is not a valid ${kind} name: use ${NAME_RULE}.`;
}
