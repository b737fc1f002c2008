import type { Alignment, Block, ListItem } from './blocks.ts';
import { inlineToPlain, parseInline } from './inline.ts';
import type { Run } from './runs.ts';
import { displayWidth } from './text.ts';

const BLOCK_SEPARATOR = '\n\n';
const INDENT = '   ';
const RULE = '──────────';

/** Lays Markdown blocks out as styled runs of Telegram text. */
export function layoutBlocks(blocks: readonly Block[], separator = BLOCK_SEPARATOR): Run[] {
  const runs: Run[] = [];
  blocks.forEach((block, index) => {
    if (index > 0) runs.push({ text: separator, style: {} });
    runs.push(...layoutBlock(block));
  });
  return runs;
}

function layoutBlock(block: Block, level = 0): Run[] {
  switch (block.type) {
    case 'paragraph':
      return parseInline(block.text);
    case 'heading':
      return parseInline(block.text, { bold: true });
    case 'code':
      return [{ text: block.code.replace(/\n+$/, ''), style: { pre: { language: block.language } } }];
    case 'quote':
      return layoutBlocks(block.blocks).map((run) => ({
        text: run.text,
        style: { ...run.style, quote: true },
      }));
    case 'list':
      return layoutList(block.items, level);
    case 'rule':
      return [{ text: RULE, style: {} }];
    case 'table':
      return [{ text: layoutTable(block.header, block.align, block.rows), style: { pre: { language: '' } } }];
  }
}

function layoutList(items: readonly ListItem[], level: number): Run[] {
  const runs: Run[] = [];
  const firstNumber = items.find((item) => item.number !== undefined)?.number ?? 1;
  let ordinal = firstNumber;
  items.forEach((item, index) => {
    if (index > 0) runs.push({ text: '\n', style: {} });
    let marker = '•';
    if (item.number !== undefined) marker = `${ordinal++}.`;
    if (item.checked !== undefined) marker = item.checked ? '☑' : '☐';
    runs.push({ text: `${INDENT.repeat(level)}${marker} `, style: {} });
    const continuation = INDENT.repeat(level + 1);
    item.blocks.forEach((block, blockIndex) => {
      // Nested lists indent themselves, and code blocks are shown as blocks of their own by Telegram.
      if (block.type === 'list' || block.type === 'code' || block.type === 'table') {
        runs.push({ text: '\n', style: {} }, ...layoutBlock(block, level + 1));
        return;
      }
      if (blockIndex > 0) runs.push({ text: `\n${continuation}`, style: {} });
      runs.push(...indentLines(layoutBlock(block, level + 1), continuation));
    });
  });
  return runs;
}

/** Indents every line after the first, except inside code blocks where spacing is content. */
function indentLines(runs: Run[], indent: string): Run[] {
  return runs.map((run) =>
    run.style.pre ? run : { text: run.text.replace(/\n/g, `\n${indent}`), style: run.style },
  );
}

function pad(text: string, width: number, align: Alignment): string {
  const missing = Math.max(0, width - displayWidth(text));
  if (align === 'right') return ' '.repeat(missing) + text;
  if (align === 'center')
    return ' '.repeat(Math.floor(missing / 2)) + text + ' '.repeat(Math.ceil(missing / 2));
  return text + ' '.repeat(missing);
}

/** A table as aligned monospace text: Telegram has no tables, but a code block keeps columns straight. */
function layoutTable(header: string[], align: Alignment[], rows: string[][]): string {
  const columns = Math.max(header.length, ...rows.map((row) => row.length));
  const cells = [header, ...rows].map((row) =>
    Array.from({ length: columns }, (_, column) => inlineToPlain(row[column] ?? '').replace(/\s+/g, ' ')),
  );
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(1, ...cells.map((row) => displayWidth(row[column] ?? ''))),
  );
  const line = (row: string[]): string =>
    row
      .map((cell, column) => pad(cell, widths[column] ?? 0, align[column] ?? 'left'))
      .join(' │ ')
      .trimEnd();
  const [head, ...body] = cells;
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}
