import path from 'node:path';
import { shortDiff } from './diff.ts';
import { escapeCut } from './escape-cut.ts';
import { visible } from './visible.ts';

/**
 * What a tool call will do, as Telegram HTML for an approval card: the whole command line, the path
 * and a short diff, the URL, the pattern, the MCP server and tool. Every piece of input is made
 * visible (no raw control characters) and escaped; long text is cut to `limit` characters, and
 * `trimmed` says so, so the card can offer the full text.
 */
export interface ToolView {
  /** A short label for the action: `Bash`, `Edit src/a.ts`. */
  title: string;
  html: string;
  /** Set when the command was cut: how long the whole is. */
  trimmed?: { total: number };
}

export const COMMAND_LIMIT = 2000;
const TEXT_LIMIT = 300;
const JSON_LIMIT = 800;
const DIFF_LIMIT = 1500;

type Input = Record<string, unknown>;
const str = (input: Input, key: string): string => {
  const value = input[key];
  return typeof value === 'string' ? value : '';
};

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** A value shown inline: made visible, cut, escaped, in `<code>`. */
const code = (text: string, max = TEXT_LIMIT): string => `<code>${escapeCut(visible(text), max)}</code>`;
/** A code block of at most `max` characters of HTML. */
const block = (text: string, language: string, max: number): string =>
  `<pre><code class="language-${language}">${escapeCut(text, max)}</code></pre>`;

/** The path relative to the session directory when inside it, else as given. */
export function displayPath(file: string, sessionDir: string): string {
  const absolute = path.resolve(sessionDir, file);
  const relative = path.relative(sessionDir, absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

/** Compact JSON of the input for tools the card knows nothing about. */
export function compactJson(input: Input, max = JSON_LIMIT): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? '';
  } catch {
    text = String(input);
  }
  return cut(visible(text), max);
}

function bashView(input: Input, limit: number): ToolView {
  const command = visible(str(input, 'command'));
  const html = escapeCut(command, limit);
  const description = str(input, 'description');
  return {
    title: 'Bash',
    html: `${description ? `<i>${escapeCut(visible(description), TEXT_LIMIT)}</i>\n` : ''}${block(command, 'bash', limit)}`,
    ...(html.endsWith('…') && !command.endsWith('…') ? { trimmed: { total: command.length } } : {}),
  };
}

function editView(toolName: string, input: Input, sessionDir: string): ToolView {
  const file = displayPath(
    str(input, toolName === 'NotebookEdit' ? 'notebook_path' : 'file_path'),
    sessionDir,
  );
  const edits =
    toolName === 'Write'
      ? [{ before: '', after: str(input, 'content') }]
      : toolName === 'MultiEdit' && Array.isArray(input.edits)
        ? (input.edits as Input[]).map((edit) => ({
            before: str(edit, 'old_string'),
            after: str(edit, 'new_string'),
          }))
        : toolName === 'NotebookEdit'
          ? [{ before: '', after: str(input, 'new_source') }]
          : [{ before: str(input, 'old_string'), after: str(input, 'new_string') }];
  const diff = shortDiff(
    edits.map(({ before, after }) => ({ before: visible(before), after: visible(after) })),
  );
  const counts = `<b>+${diff.added} −${diff.removed}</b>${input.replace_all === true ? ' (every occurrence)' : ''}`;
  const more = diff.hidden > 0 ? `\n… ${diff.hidden} more changed line(s)` : '';
  const body =
    diff.lines.length > 0 ? `\n${block(`${diff.lines.join('\n')}${more}`, 'diff', DIFF_LIMIT)}` : '';
  return { title: `${toolName} ${cut(visible(file), TEXT_LIMIT)}`, html: `${code(file)} ${counts}${body}` };
}

function mcpView(toolName: string, input: Input): ToolView | undefined {
  const match = /^mcp__(.+?)__(.+)$/.exec(toolName);
  if (!match) return undefined;
  const [, server = '', tool = ''] = match;
  return {
    title: toolName,
    html: `MCP server ${code(server)}, tool ${code(tool)}\n${block(compactJson(input), 'json', JSON_LIMIT)}`,
  };
}

/** The view of one tool call for the card. `limit` caps the command line shown. */
export function toolView(
  toolName: string,
  input: Input,
  sessionDir: string,
  limit = COMMAND_LIMIT,
): ToolView {
  switch (toolName) {
    case 'Bash':
      return bashView(input, limit);
    case 'Edit':
    case 'MultiEdit':
    case 'Write':
    case 'NotebookEdit':
      return editView(toolName, input, sessionDir);
    case 'Read':
      return { title: 'Read', html: code(displayPath(str(input, 'file_path'), sessionDir)) };
    case 'WebFetch':
      return { title: 'WebFetch', html: code(str(input, 'url'), 1000) };
    case 'WebSearch':
      return { title: 'WebSearch', html: code(str(input, 'query')) };
    case 'Grep':
    case 'Glob': {
      const where = str(input, 'path');
      const glob = str(input, 'glob');
      const html = `pattern ${code(str(input, 'pattern'))}${glob ? ` in files ${code(glob)}` : ''} under ${code(where ? displayPath(where, sessionDir) : '.')}`;
      return { title: toolName, html };
    }
    default:
      return (
        mcpView(toolName, input) ?? { title: toolName, html: block(compactJson(input), 'json', JSON_LIMIT) }
      );
  }
}

/** The whole text behind a trimmed card (the full command line), made visible, for `Show full`. */
export function fullText(toolName: string, input: Input): string {
  return toolName === 'Bash' ? visible(str(input, 'command')) : visible(JSON.stringify(input, null, 2) ?? '');
}

const SUMMARY_LIMIT = 200;

/** One short line of what a call does, for the audit log: the command, the path, the URL, else compact JSON. */
export function inputSummary(toolName: string, input: Input): string {
  const direct =
    toolName === 'Bash'
      ? str(input, 'command')
      : str(input, 'file_path') || str(input, 'notebook_path') || str(input, 'url') || str(input, 'query');
  const text = direct ? visible(direct).replace(/\s+/g, ' ') : compactJson(input, SUMMARY_LIMIT);
  return cut(text, SUMMARY_LIMIT);
}
