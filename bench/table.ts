/** A plain-text table with aligned columns, readable in a terminal and in a pasted report. */

export type Align = 'left' | 'right';

export interface Column {
  title: string;
  align?: Align;
}

/** Renders rows under a header line and a rule; numbers are right-aligned by default. */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(columns.map((c) => c.title)), rule, ...rows.map((row) => line(row))].join('\n');
}

/**
 * Milliseconds: two decimals below 10 ms (so a 5.04 ms median is not shown as the 5.0 it failed),
 * one below 100 ms, else whole.
 */
export function ms(value: number): string {
  if (value < 10) return value.toFixed(2);
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}
