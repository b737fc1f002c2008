import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Path rules (`Read(…)`, `Edit(…)`, `Write(…)`) follow Claude Code: gitignore-style patterns where
 * `//abs/path` is absolute, `~/path` is under the home directory, `/path` and `./path` are anchored at
 * the session directory, and a plain `path` is relative to it (matching at any depth when it has no `/`).
 * Matching is on real paths (symlinks resolved, `..` folded), so a link inside the session directory
 * that points elsewhere is judged by where it points.
 */

/** What path matching needs from the machine; tests pass their own. */
export interface PathEnv {
  homeDir: string;
  /** The real path of an existing file or directory, or undefined when it does not exist. */
  realpath(file: string): string | undefined;
}

export const systemPathEnv = (): PathEnv => ({
  homeDir: homedir(),
  realpath: (file) => {
    try {
      return realpathSync.native(file);
    } catch {
      return undefined;
    }
  },
});

/** The real path of `file`, which may not exist yet: its nearest existing ancestor resolved, the rest appended. */
export function realPathOf(file: string, env: PathEnv): string {
  const absolute = path.resolve(file);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    const real = env.realpath(current);
    if (real !== undefined) return rest.length === 0 ? real : path.join(real, ...rest.reverse());
    const parent = path.dirname(current);
    if (parent === current) return absolute;
    rest.push(path.basename(current));
    current = parent;
  }
}

/** `child` relative to `base`, or undefined when it is not inside it (or is `base` itself). */
export function insideOf(base: string, child: string): string | undefined {
  const relative = path.relative(base, child);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

interface AnchoredPattern {
  base: string;
  pattern: string;
  anchored: boolean;
}

/** Splits a rule's path pattern into the directory it is relative to and the gitignore pattern. */
export function anchorPattern(content: string, sessionDir: string, env: PathEnv): AnchoredPattern {
  if (content.startsWith('//')) return { base: '/', pattern: content.slice(2), anchored: true };
  if (content.startsWith('~/')) return { base: env.homeDir, pattern: content.slice(2), anchored: true };
  if (content.startsWith('/')) return { base: sessionDir, pattern: content.slice(1), anchored: true };
  if (content.startsWith('./')) return { base: sessionDir, pattern: content.slice(2), anchored: true };
  // gitignore: a pattern with a slash before its end is anchored; without one it matches at any depth.
  return { base: sessionDir, pattern: content, anchored: content.replace(/\/+$/, '').includes('/') };
}

const escapeRegExp = (text: string): string => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/** A gitignore glob as a regular expression over a `/`-separated relative path. */
function globToRegExp(pattern: string, anchored: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      const atStart = i === 0 || pattern[i - 1] === '/';
      const atEnd = i + 2 === pattern.length || pattern[i + 2] === '/';
      if (atStart && atEnd) {
        // `**/` is zero or more directories; a final `**` is everything below.
        source += i + 2 === pattern.length ? '.*' : '(?:.*/)?';
        i += 2;
        continue;
      }
    }
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}$`, 's');
}

/** The path and each of its ancestors below the base: `a/b/c` → `a`, `a/b`, `a/b/c`. */
function selfAndAncestors(relative: string): string[] {
  const parts = relative.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

/**
 * Whether a path rule's pattern covers `target` (an absolute path; resolved to its real path here).
 * As in gitignore, a pattern that matches a directory covers everything in it. With `wholeDirectory`
 * the target is a directory searched as a whole (Grep, Glob): `src/**` covers the directory `src`.
 * Patterns that climb out with `..` never match.
 */
export function matchesPathPattern(
  content: string,
  target: string,
  sessionDir: string,
  env: PathEnv,
  wholeDirectory = false,
): boolean {
  const { base, pattern, anchored } = anchorPattern(content, sessionDir, env);
  const cleaned = pattern.replace(/\/+$/, '');
  if (cleaned === '' || cleaned.split('/').includes('..')) return false;
  const realBase = realPathOf(base, env);
  const realTarget = realPathOf(target, env);
  const relative =
    realTarget === realBase ? '' : realBase === '/' ? realTarget.slice(1) : insideOf(realBase, realTarget);
  if (relative === undefined) return false;
  const glob = globToRegExp(cleaned, anchored);
  // The base directory itself, searched as a whole, is covered by a pattern covering all inside it.
  if (relative === '') return wholeDirectory && glob.test('\u0000');
  const candidates = selfAndAncestors(relative);
  if (candidates.some((candidate) => glob.test(candidate))) return true;
  // `dir/**` covers everything inside `dir`, so it covers a search of `dir` as a whole.
  return wholeDirectory && glob.test(`${relative}/\u0000`);
}

/** True when the pattern has no wildcard: it names one path. */
export const isLiteralPattern = (content: string): boolean => !/[*?[]/.test(content);
