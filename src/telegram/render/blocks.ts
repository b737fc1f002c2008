import type { Token } from 'markdown-it';
import { inlineRuns } from './inline.ts';
import { MAX_NESTING, type ParsedMarkdown } from './parser.ts';
import type { Run } from './runs.ts';

/**
 * The document as the layout needs it: markdown-it's flat token stream folded into a tree, inline
 * content already turned into styled runs, list markers already numbered.
 */
export type Block =
  | { type: 'paragraph'; runs: Run[] }
  | { type: 'heading'; runs: Run[] }
  | { type: 'code'; language: string; code: string }
  | { type: 'quote'; blocks: Block[] }
  | { type: 'list'; items: ListItem[] }
  | { type: 'rule' }
  | { type: 'table'; header: Run[][]; align: Alignment[]; rows: Run[][][] }
  /** Shown exactly as written: raw HTML, or content nested deeper than the parser goes. */
  | { type: 'text'; text: string };

export type Alignment = 'left' | 'right' | 'center';

export interface ListItem {
  /** What the reader sees before the item: `•`, `3.`, `☑`, `☐`, or `[1]` for a footnote. */
  marker: string;
  blocks: Block[];
}

const TASK = /^\[([ xX])\][ \t]/;

/** Folds the token stream into blocks. Never fails: every token either maps to a block or is text. */
export function toBlocks(parsed: ParsedMarkdown): Block[] {
  const reader: Reader = { tokens: parsed.tokens, source: parsed.source, index: 0 };
  return readBlocks(reader);
}

interface Reader {
  tokens: Token[];
  source: string;
  /** The source's lines, split only when content nested past the limit needs them. */
  lines?: string[];
  index: number;
}

/** Blocks up to the close of the container the reader is in (consumed), or to the end. */
function readBlocks(reader: Reader): Block[] {
  const blocks: Block[] = [];
  while (reader.index < reader.tokens.length) {
    const token = reader.tokens[reader.index] as Token;
    if (token.nesting === -1) {
      reader.index++;
      break;
    }
    blocks.push(...readBlock(reader, token));
  }
  return blocks;
}

function readBlock(reader: Reader, token: Token): Block[] {
  if (token.nesting === 1 && token.level + 1 >= MAX_NESTING) return [sourceOf(reader, token)];
  reader.index++;
  switch (token.type) {
    case 'paragraph_open':
    case 'heading_open': {
      const runs = inlineRuns(readInline(reader), token.type === 'heading_open' ? { bold: true } : {});
      readBlocks(reader);
      return [{ type: token.type === 'heading_open' ? 'heading' : 'paragraph', runs }];
    }
    case 'fence':
      return [{ type: 'code', language: token.info.trim().split(/\s+/)[0] ?? '', code: token.content }];
    case 'code_block':
      return [{ type: 'code', language: '', code: token.content }];
    case 'blockquote_open':
      return [{ type: 'quote', blocks: readBlocks(reader) }];
    case 'bullet_list_open':
    case 'ordered_list_open':
      return [{ type: 'list', items: readList(reader, token) }];
    case 'hr':
      return [{ type: 'rule' }];
    case 'html_block':
      return [{ type: 'text', text: token.content.replace(/\n+$/, '') }];
    case 'table_open':
      return [readTable(reader)];
    case 'footnote_block_open':
      return [{ type: 'rule' }, { type: 'list', items: readFootnotes(reader) }];
    default:
      // A container this adapter does not know: its content still counts.
      if (token.nesting === 1) return readBlocks(reader);
      return token.content.trim() === '' ? [] : [{ type: 'text', text: token.content }];
  }
}

/** The inline children of the next token (an `inline` token), consumed. */
function readInline(reader: Reader): Token[] {
  const token = reader.tokens[reader.index];
  if (token?.type !== 'inline') return [];
  reader.index++;
  return token.children ?? [];
}

/**
 * A container at the nesting limit, whose content markdown-it did not parse: its source lines,
 * so no word of it is lost. The reader moves past its close.
 */
function sourceOf(reader: Reader, open: Token): Block {
  let depth = 0;
  do {
    depth += (reader.tokens[reader.index] as Token).nesting;
    reader.index++;
  } while (depth > 0 && reader.index < reader.tokens.length);
  const [from, to] = open.map ?? [0, 0];
  reader.lines ??= reader.source.split('\n');
  return { type: 'text', text: reader.lines.slice(from, to).join('\n').trim() };
}

function readList(reader: Reader, list: Token): ListItem[] {
  const items: ListItem[] = [];
  let ordinal = Number(list.attrGet('start') ?? 1);
  while (reader.tokens[reader.index]?.type === 'list_item_open') {
    const item = reader.tokens[reader.index] as Token;
    let marker = list.type === 'ordered_list_open' ? `${ordinal++}.` : '•';
    let blocks: Block[];
    if (item.level + 1 >= MAX_NESTING) {
      blocks = [sourceOf(reader, item)];
    } else {
      reader.index++;
      blocks = readBlocks(reader);
    }
    const checked = taskOf(blocks[0]);
    if (checked !== undefined) marker = checked ? '☑' : '☐';
    items.push({ marker, blocks });
  }
  reader.index++; // the list's close
  return items;
}

/** For a GFM task item (`[ ]` / `[x]` first in its first paragraph): removes the box, tells its state. */
function taskOf(first: Block | undefined): boolean | undefined {
  const run = first?.type === 'paragraph' ? first.runs[0] : undefined;
  if (!run || Object.keys(run.style).length > 0) return undefined;
  const task = TASK.exec(run.text);
  if (!task || !first || first.type !== 'paragraph') return undefined;
  first.runs[0] = { text: run.text.slice(task[0].length), style: run.style };
  return task[1] !== ' ';
}

function readTable(reader: Reader): Block {
  const header: Run[][] = [];
  const align: Alignment[] = [];
  const rows: Run[][][] = [];
  let row: Run[][] = [];
  while (reader.index < reader.tokens.length) {
    const token = reader.tokens[reader.index++] as Token;
    if (token.type === 'table_close') break;
    if (token.type === 'tr_open') row = [];
    else if (token.type === 'th_open' || token.type === 'td_open') {
      const cell = inlineRuns(readInline(reader));
      if (token.type === 'th_open') {
        header.push(cell);
        align.push(alignmentOf(token));
      } else {
        row.push(cell);
      }
    } else if (token.type === 'tr_close' && row.length > 0) rows.push(row);
  }
  return { type: 'table', header, align, rows };
}

function alignmentOf(cell: Token): Alignment {
  const style = String(cell.attrGet('style') ?? '');
  if (style.includes('right')) return 'right';
  return style.includes('center') ? 'center' : 'left';
}

function readFootnotes(reader: Reader): ListItem[] {
  const notes: ListItem[] = [];
  while (reader.tokens[reader.index]?.type === 'footnote_open') {
    const note = reader.tokens[reader.index] as Token;
    reader.index++;
    notes.push({ marker: `[${Number(note.meta?.id ?? notes.length) + 1}]`, blocks: readBlocks(reader) });
  }
  reader.index++; // footnote_block_close
  return notes;
}
