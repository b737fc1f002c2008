/**
 * Markdown block structure, as Claude writes it: paragraphs, ATX and setext headings, fenced code,
 * block quotes, bullet / numbered / task lists (nested by indentation), rules and GFM tables.
 * Deliberately small: no indented code blocks, no HTML blocks, no reference links.
 */
export type Block =
  | { type: 'paragraph'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'code'; language: string; code: string }
  | { type: 'quote'; blocks: Block[] }
  | { type: 'list'; items: ListItem[] }
  | { type: 'rule' }
  | { type: 'table'; header: string[]; align: Alignment[]; rows: string[][] };

export type Alignment = 'left' | 'right' | 'center';

export interface ListItem {
  /** The number for an ordered item as written, undefined for a bullet. */
  number: number | undefined;
  /** true / false for a task list item (`[x]` / `[ ]`), undefined otherwise. */
  checked: boolean | undefined;
  blocks: Block[];
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( *)([-*+]|(\d{1,9})[.)])( +)(\S.*)?$/;
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

const isBlank = (line: string): boolean => line.trim() === '';
const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Splits Markdown into blocks. Never fails: anything unrecognised is a paragraph. */
export function parseBlocks(markdown: string): Block[] {
  const lines = markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/^\t+/, (tabs) => '    '.repeat(tabs.length)));
  return parseLines(lines);
}

function parseLines(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const parsed =
      parseFence(lines, i) ??
      parseHeading(line, i) ??
      parseRule(line, i) ??
      parseQuote(lines, i) ??
      parseTable(lines, i) ??
      parseList(lines, i) ??
      parseParagraph(lines, i);
    blocks.push(parsed.block);
    i = parsed.next;
  }
  return blocks;
}

interface Parsed {
  block: Block;
  next: number;
}

function parseFence(lines: string[], start: number): Parsed | undefined {
  const open = FENCE_OPEN.exec(lines[start] as string);
  if (!open) return undefined;
  const indent = (open[1] as string).length;
  const fence = open[2] as string;
  const closing = new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
  const code: string[] = [];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (closing.test(line)) break;
    code.push(line.slice(Math.min(indent, indentOf(line))));
  }
  return { block: { type: 'code', language: open[3] ?? '', code: code.join('\n') }, next: i + 1 };
}

function parseHeading(line: string, index: number): Parsed | undefined {
  const match = HEADING.exec(line);
  if (!match) return undefined;
  return { block: { type: 'heading', text: (match[2] ?? '').trim() }, next: index + 1 };
}

function parseRule(line: string, index: number): Parsed | undefined {
  return RULE.test(line) ? { block: { type: 'rule' }, next: index + 1 } : undefined;
}

function parseQuote(lines: string[], start: number): Parsed | undefined {
  const inner: string[] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const match = QUOTE.exec(lines[i] as string);
    if (!match) break;
    inner.push(match[1] as string);
  }
  if (inner.length === 0) return undefined;
  return { block: { type: 'quote', blocks: parseLines(inner) }, next: i };
}

function isTableStart(lines: string[], index: number): boolean {
  const header = lines[index] as string;
  const delimiter = lines[index + 1];
  return (
    header.includes('|') &&
    delimiter?.includes('-') === true &&
    TABLE_DELIMITER.test(delimiter) &&
    (delimiter.includes('|') || splitCells(header).length === 1)
  );
}

/** Cells of a table row: outer pipes are optional, `\|` is a literal pipe, pipes inside code spans count. */
export function splitCells(row: string): string[] {
  let text = row.trim();
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && text[i + 1] === '|') {
      current += '|';
      i++;
    } else if (char === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  cells.push(current.trim());
  return cells;
}

function parseTable(lines: string[], start: number): Parsed | undefined {
  if (!isTableStart(lines, start)) return undefined;
  const header = splitCells(lines[start] as string);
  const align = splitCells(lines[start + 1] as string).map((cell): Alignment => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : right ? 'right' : 'left';
  });
  const rows: string[][] = [];
  let i = start + 2;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isBlank(line) || !line.includes('|')) break;
    rows.push(splitCells(line));
  }
  return { block: { type: 'table', header, align, rows }, next: i };
}

/** Whether a line ends a paragraph by starting a block of its own. */
function startsBlock(lines: string[], index: number): boolean {
  const line = lines[index] as string;
  if (FENCE_OPEN.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line)) return true;
  if (isTableStart(lines, index)) return true;
  const item = LIST_ITEM.exec(line);
  // As in CommonMark, only a bullet or a list starting at 1 interrupts a paragraph ("2024. was …" does not).
  return item !== null && item[5] !== undefined && (item[3] === undefined || item[3] === '1');
}

function parseParagraph(lines: string[], start: number): Parsed {
  const text: string[] = [(lines[start] as string).trim()];
  let i = start + 1;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isBlank(line)) break;
    const setext = SETEXT.exec(line);
    if (setext) return { block: { type: 'heading', text: text.join('\n') }, next: i + 1 };
    if (startsBlock(lines, i)) break;
    text.push(line.trim());
  }
  return { block: { type: 'paragraph', text: text.join('\n') }, next: i };
}

function parseList(lines: string[], start: number): Parsed | undefined {
  const first = LIST_ITEM.exec(lines[start] as string);
  if (!first || first[5] === undefined) return undefined;
  const baseIndent = (first[1] as string).length;
  const ordered = first[3] !== undefined;
  const sibling = (line: string | undefined): RegExpExecArray | null => {
    const match = line === undefined ? null : LIST_ITEM.exec(line);
    const fits = match && match[5] !== undefined && (match[1] as string).length <= baseIndent;
    return fits && (match[3] !== undefined) === ordered ? match : null;
  };
  const items: ListItem[] = [];
  let i = start;
  while (i < lines.length) {
    const match = sibling(lines[i]);
    if (!match) break;
    const markerWidth =
      (match[1] as string).length + (match[2] as string).length + (match[4] as string).length;
    const contentIndent =
      (match[4] as string).length > 4 ? markerWidth - (match[4] as string).length + 1 : markerWidth;
    const content: string[] = [match[5] ?? ''];
    i++;
    while (i < lines.length) {
      const line = lines[i] as string;
      if (isBlank(line)) {
        let next = i + 1;
        while (next < lines.length && isBlank(lines[next] as string)) next++;
        const following = lines[next];
        if (following === undefined || indentOf(following) <= baseIndent) break;
        content.push('');
        i++;
        continue;
      }
      if (indentOf(line) > baseIndent) {
        content.push(line.slice(Math.min(contentIndent, indentOf(line))));
        i++;
        continue;
      }
      const previousBlank = isBlank(content.at(-1) ?? '');
      if (previousBlank || LIST_ITEM.test(line) || startsBlock(lines, i)) break;
      content.push(line.trim()); // a lazy continuation line of the item's paragraph
      i++;
    }
    const task = /^\[([ xX])\][ \t]+/.exec(content[0] as string);
    if (task) content[0] = (content[0] as string).slice(task[0].length);
    items.push({
      number: match[3] === undefined ? undefined : Number(match[3]),
      checked: task ? task[1] !== ' ' : undefined,
      blocks: parseLines(content),
    });
    // A blank line between items keeps the list going; anything else ends it.
    while (i < lines.length && isBlank(lines[i] as string)) {
      if (!sibling(lines[i + 1])) break;
      i++;
    }
  }
  return { block: { type: 'list', items }, next: i };
}
