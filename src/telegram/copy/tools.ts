import path from 'node:path';

const MAX_COMMAND = 60;
const MAX_TEXT = 40;

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function str(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  return typeof value === 'string' ? value : '';
}

const base = (filePath: string): string => (filePath ? path.basename(filePath) : 'a file');

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return truncate(url, MAX_TEXT);
  }
}

const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length);

/** ` (+3 −1)`: the lines an Edit (or each edit of a MultiEdit) puts in and takes out; '' if unknown. */
function lineChanges(input: Record<string, unknown>): string {
  const edits = Array.isArray(input.edits) ? (input.edits as Record<string, unknown>[]) : [input];
  let added = 0;
  let removed = 0;
  for (const edit of edits) {
    if (typeof edit?.old_string !== 'string' || typeof edit.new_string !== 'string') return '';
    added += lineCount(edit.new_string);
    removed += lineCount(edit.old_string);
  }
  return ` (+${added} −${removed})`;
}

/**
 * A short progress line for a phone screen: `Reading config.json`, `Running: npm test`.
 * Paths are shortened to their basename and long commands are cut.
 */
export function summarizeTool(name: string, input: Record<string, unknown>): string {
  switch (name) {
    case 'Read':
      return `Reading ${base(str(input, 'file_path'))}`;
    case 'Write':
      return `Writing ${base(str(input, 'file_path'))}`;
    case 'Edit':
    case 'MultiEdit':
      return `Editing ${base(str(input, 'file_path'))}${lineChanges(input)}`;
    case 'NotebookEdit':
      return `Editing ${base(str(input, 'notebook_path'))}`;
    case 'Bash':
      return `Running: ${truncate(str(input, 'command'), MAX_COMMAND)}`;
    case 'Grep':
      return `Searching for "${truncate(str(input, 'pattern'), MAX_TEXT)}"`;
    case 'Glob':
      return `Finding files ${truncate(str(input, 'pattern'), MAX_TEXT)}`;
    case 'WebFetch':
      return `Fetching ${hostOf(str(input, 'url'))}`;
    case 'WebSearch':
      return `Searching the web for "${truncate(str(input, 'query'), MAX_TEXT)}"`;
    case 'Task':
    case 'Agent':
      return `Delegating: ${truncate(str(input, 'description') || 'a subtask', MAX_TEXT)}`;
    case 'TodoWrite':
      return 'Updating the to-do list';
    case 'AskUserQuestion':
      return 'Asking you a question';
    default: {
      const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
      if (mcp) return `Using ${mcp[2]} (${mcp[1]})`;
      return `Using ${name}`;
    }
  }
}

/** A tool's line in the status message while it runs: `Reading config.json…`. */
export function toolProgressLine(name: string, input: Record<string, unknown>): string {
  return `${summarizeTool(name, input)}…`;
}
