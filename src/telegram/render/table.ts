import type { Alignment, Block } from './blocks.ts';
import type { Run } from './runs.ts';
import { displayWidth } from './text.ts';

/** About the monospace columns a phone shows in a code block without wrapping. */
export const PHONE_COLUMNS = 40;

const COLUMN_SEPARATOR = ' │ ';
/** Shown for an empty cell of a table laid out as one block per row. */
const EMPTY_CELL = '—';

type Table = Extract<Block, { type: 'table' }>;

/**
 * A table laid out for a phone. Telegram has no tables: one that fits about 40 columns becomes
 * aligned monospace text in a code block; a wider one becomes one block per row, its first cell as
 * `Header: value` on a line of its own (the first one bold, as the row's title), keeping the cells'
 * formatting.
 */
export function layoutTable(table: Table): Run[] {
  const columns = Math.max(table.header.length, ...table.rows.map((row) => row.length));
  const plain = [table.header, ...table.rows].map((row) =>
    Array.from({ length: columns }, (_, column) => cellText(row[column])),
  );
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(1, ...plain.map((row) => displayWidth(row[column] ?? ''))),
  );
  const total = widths.reduce((sum, width) => sum + width, 0) + COLUMN_SEPARATOR.length * (columns - 1);
  if (total <= PHONE_COLUMNS) {
    return [{ text: monospace(plain, widths, table.align), style: { pre: { language: '' } } }];
  }
  return rowBlocks(table, columns);
}

function cellText(cell: readonly Run[] | undefined): string {
  return (cell ?? [])
    .map((run) => run.text)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function pad(text: string, width: number, align: Alignment): string {
  const missing = Math.max(0, width - displayWidth(text));
  if (align === 'right') return ' '.repeat(missing) + text;
  if (align === 'center')
    return ' '.repeat(Math.floor(missing / 2)) + text + ' '.repeat(Math.ceil(missing / 2));
  return text + ' '.repeat(missing);
}

function monospace(cells: string[][], widths: number[], align: readonly Alignment[]): string {
  const line = (row: string[]): string =>
    row
      .map((cell, column) => pad(cell, widths[column] ?? 0, align[column] ?? 'left'))
      .join(COLUMN_SEPARATOR)
      .trimEnd();
  const [head, ...body] = cells;
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}

/** Cell runs on one line: a table cell has no line breaks, whatever its runs contain. */
function oneLine(cell: readonly Run[] | undefined): Run[] {
  return (cell ?? []).map((run) => ({ text: run.text.replace(/\s*\n\s*/g, ' '), style: run.style }));
}

function rowBlocks(table: Table, columns: number): Run[] {
  const out: Run[] = [];
  const labelled = table.rows.length > 0;
  (labelled ? table.rows : [table.header]).forEach((row, index) => {
    if (index > 0) out.push({ text: '\n\n', style: {} });
    let lines = 0;
    for (let column = 0; column < columns; column++) {
      const label = labelled ? cellText(table.header[column]) : '';
      let value = oneLine(row[column]);
      if (value.length === 0 && label === '') continue;
      if (value.length === 0) value = [{ text: EMPTY_CELL, style: {} }];
      if (lines++ > 0) out.push({ text: '\n', style: {} });
      if (label !== '') out.push({ text: `${label}: `, style: column === 0 ? { bold: true } : {} });
      out.push(
        ...(column === 0
          ? value.map((run) => ({ text: run.text, style: { ...run.style, bold: true } }))
          : value),
      );
    }
  });
  return out;
}
