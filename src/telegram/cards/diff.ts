/** A short line diff for an approval card: counts and the changed lines, capped for a phone screen. */

export interface ShortDiff {
  added: number;
  removed: number;
  /** Changed lines in order, each starting with `+ ` or `- `. */
  lines: string[];
  /** Changed lines not shown because of the cap. */
  hidden: number;
}

export interface DiffLimits {
  maxLines: number;
  maxLineLength: number;
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = { maxLines: 12, maxLineLength: 160 };
// Above this many cells the longest-common-subsequence table costs too much; the middle is shown whole.
const MAX_LCS_CELLS = 250_000;

const splitLines = (text: string): string[] => (text === '' ? [] : text.replace(/\r\n/g, '\n').split('\n'));

/** Changed lines between two blocks of text: common lines at both ends are skipped, the middle is diffed. */
function changes(before: string[], after: string[]): string[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  const a = before.slice(start, endBefore);
  const b = after.slice(start, endAfter);
  if (a.length * b.length > MAX_LCS_CELLS)
    return [...a.map((line) => `- ${line}`), ...b.map((line) => `+ ${line}`)];
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((lengths[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lengths[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const at = (row: number, column: number): number => (lengths[row] as number[])[column] as number;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || at(i + 1, j) >= at(i, j + 1))) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  return out;
}

const cut = (line: string, max: number): string => (line.length > max ? `${line.slice(0, max - 1)}…` : line);

/** Joins the changes of several edits (MultiEdit) into one capped diff. */
export function shortDiff(
  edits: readonly { before: string; after: string }[],
  limits: DiffLimits = DEFAULT_DIFF_LIMITS,
): ShortDiff {
  const all = edits.flatMap(({ before, after }) => changes(splitLines(before), splitLines(after)));
  const added = all.filter((line) => line.startsWith('+')).length;
  const shown = all.slice(0, limits.maxLines).map((line) => cut(line, limits.maxLineLength));
  return { added, removed: all.length - added, lines: shown, hidden: all.length - shown.length };
}
