import type { Block, ListItem } from './blocks.ts';
import type { Run, Style } from './runs.ts';
import { layoutTable } from './table.ts';

const BLOCK_SEPARATOR = '\n\n';
const INDENT = '   ';
const RULE = '──────────';

/** Where a block sits: the indentation of its continuation lines, and whether it is quoted. */
interface Context {
  indent: string;
  quote: boolean;
}

/** Lays Markdown blocks out as styled runs of Telegram text. */
export function layoutBlocks(blocks: readonly Block[]): Run[] {
  const out: Run[] = [];
  layoutSequence(blocks, { indent: '', quote: false }, out);
  return out;
}

function layoutSequence(blocks: readonly Block[], context: Context, out: Run[]): void {
  blocks.forEach((block, index) => {
    if (index > 0) emit(out, BLOCK_SEPARATOR, {}, context);
    layoutBlock(block, context, out);
  });
}

/** Appends text, quoted if the context is, with every new line indented (except in code blocks). */
function emit(out: Run[], text: string, style: Style, context: Context): void {
  if (text === '') return;
  const styled = context.quote ? { ...style, quote: true } : style;
  const indented = context.indent === '' || style.pre ? text : text.replace(/\n/g, `\n${context.indent}`);
  out.push({ text: indented, style: styled });
}

function layoutBlock(block: Block, context: Context, out: Run[]): void {
  switch (block.type) {
    case 'paragraph':
    case 'heading':
      for (const run of block.runs) emit(out, run.text, run.style, context);
      return;
    case 'code':
      emit(out, block.code.replace(/\n+$/, ''), { pre: { language: block.language } }, context);
      return;
    case 'text':
      emit(out, block.text, {}, context);
      return;
    case 'quote':
      // Telegram cannot nest quotes: a quote inside a quote is part of the same one.
      layoutSequence(block.blocks, { ...context, quote: true }, out);
      return;
    case 'list':
      layoutList(block.items, context, out);
      return;
    case 'rule':
      emit(out, RULE, {}, context);
      return;
    case 'table':
      for (const run of layoutTable(block)) emit(out, run.text, run.style, context);
      return;
  }
}

function layoutList(items: readonly ListItem[], context: Context, out: Run[]): void {
  const inner = { ...context, indent: context.indent + INDENT };
  items.forEach((item, index) => {
    if (index > 0) emit(out, '\n', {}, context);
    emit(out, `${item.marker} `, {}, context);
    item.blocks.forEach((block, blockIndex) => {
      // Nested lists indent themselves, and code blocks are shown as blocks of their own by Telegram.
      if (block.type === 'list' || block.type === 'code' || block.type === 'table') {
        emit(out, '\n', {}, { ...context, indent: '' });
        if (block.type === 'list') emit(out, inner.indent, {}, context);
        layoutBlock(block, inner, out);
        return;
      }
      if (blockIndex > 0) emit(out, '\n', {}, inner);
      layoutBlock(block, inner, out);
    });
  });
}
