/** SPEC.md's rule for session and persona names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

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
