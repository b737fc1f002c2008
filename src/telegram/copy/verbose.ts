/** Verbose mode: each tool call as the owner sees it, its input and output in expandable quotes. */
import { escapeHtml } from '../render/index.ts';
import { summarizeTool } from './tools.ts';

const MAX_INPUT = 1_000;
const MAX_OUTPUT = 1_500;

function trimmed(text: string, max: number): string {
  const clean = text.trim();
  if (clean.length <= max) return clean;
  return `${clean.slice(0, max)}\n… (${clean.length - max} more characters)`;
}

/** What the tool was given: the command or pattern where one field says it all, else the JSON. */
function inputText(name: string, input: Record<string, unknown>): string {
  const single =
    name === 'Bash' ? input.command : name === 'Grep' || name === 'Glob' ? input.pattern : undefined;
  if (typeof single === 'string') return single;
  return JSON.stringify(input, null, 2);
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  output?: string | undefined;
  isError?: boolean | undefined;
}

/** One message per finished tool call: a summary line, the input, the output (trimmed). */
export function verboseToolMessage(call: ToolCall): { html: string; plain: string } {
  const head = `${call.isError ? '⚠️' : '🔧'} ${summarizeTool(call.name, call.input)}`;
  const input = trimmed(inputText(call.name, call.input), MAX_INPUT);
  const output = trimmed(call.output ?? '', MAX_OUTPUT) || '(no output)';
  const quote = (text: string) => `<blockquote expandable>${escapeHtml(text)}</blockquote>`;
  return {
    html: `<b>${escapeHtml(head)}</b>\n${quote(input)}\n${quote(output)}`,
    plain: `${head}\n${input}\n\n${output}`,
  };
}
