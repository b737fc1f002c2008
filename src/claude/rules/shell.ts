/**
 * Bash rules, matched conservatively: a prefix or wildcard rule only ever allows a command that is
 * one plain command. Anything that could run a second command or write a file through the shell
 * (`&&`, `||`, `;`, `|`, `&`, a newline, `(`/`)`, backticks, `$(…)`, `<`/`>` redirects) is not matched, so
 * the owner is asked. An exact rule matches the exact text it was made from, whatever it contains.
 */

const OPERATORS = new Set([';', '&', '|', '<', '>', '(', ')', '\n', '\r', '`']);

/**
 * True when the shell would run `command` as one plain command with no redirect: the operators above
 * appear only inside quotes where they are literal, and every quote is closed.
 * `isPlainCommand('npm test -- "a;b"')` is true; `isPlainCommand('npm test && rm -rf /')` is false.
 */
export function isPlainCommand(command: string): boolean {
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const char = command[i] as string;
    const next = command[i + 1];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      continue;
    }
    if (char === '\\') {
      // A backslash makes the next character literal, but a backslash-newline joins lines.
      if (next === undefined || next === '\n' || next === '\r') return false;
      i++;
      continue;
    }
    if (char === '`' || (char === '$' && next === '(')) return false;
    if (quote === '"') {
      if (char === '"') quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      continue;
    }
    if (OPERATORS.has(char)) return false;
  }
  return quote === undefined;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `npm test:*`: the command is the prefix, or the prefix followed by whitespace (a word boundary). */
function matchesPrefix(prefix: string, command: string): boolean {
  if (prefix === '') return false;
  return command === prefix || (command.startsWith(prefix) && /\s/.test(command[prefix.length] ?? ''));
}

/**
 * `npm run *`, `git * main`: `*` stands for any text. As in Claude Code, a single trailing ` *` is
 * optional, so `ls *` matches `ls` and `ls -la` but not `lsof`.
 */
function matchesWildcard(pattern: string, command: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 2 && pattern.endsWith(' *')) {
    return matchesPrefix(pattern.slice(0, -2).trimEnd(), command);
  }
  const source = parts.map(escapeRegExp).join('.*');
  return new RegExp(`^${source}$`, 's').test(command);
}

/**
 * Whether a `Bash(<content>)` rule allows `command`.
 * `matchesBashRule('npm test:*', 'npm test -- --watch')` is true;
 * `matchesBashRule('npm test:*', 'npm test && rm -rf /')` and `matchesBashRule('npm test:*', 'npm testx')` are false.
 */
export function matchesBashRule(content: string, command: string): boolean {
  const wanted = content.trim();
  const actual = command.trim();
  if (actual === '') return false;
  if (actual === wanted) return true;
  if (!isPlainCommand(actual)) return false;
  if (wanted.endsWith(':*')) return matchesPrefix(wanted.slice(0, -2).trimEnd(), actual);
  if (wanted.includes('*')) return matchesWildcard(wanted, actual);
  return false;
}
