import path from 'node:path';
import { matchesPathPattern, type PathEnv } from './paths.ts';
import { matchesBashRule } from './shell.ts';
import type { PermissionRule } from './syntax.ts';

/** Tools whose rules are paths, and which tool names each rule name covers (as in Claude Code). */
const EDITING_TOOLS = new Set(['Edit', 'MultiEdit', 'Write', 'NotebookEdit']);
const SEARCH_TOOLS = new Set(['Grep', 'Glob']);

/** `mcp__server__tool` → server and tool; `mcp__server` → server alone. */
export function splitMcpName(name: string): { server: string; tool?: string } | undefined {
  const match = /^mcp__(.+?)(?:__(.+))?$/.exec(name);
  if (!match) return undefined;
  return match[2] === undefined
    ? { server: match[1] as string }
    : { server: match[1] as string, tool: match[2] };
}

function ruleNameCovers(ruleTool: string, toolName: string): boolean {
  if (ruleTool === toolName) return true;
  if (ruleTool === 'Edit') return EDITING_TOOLS.has(toolName);
  if (ruleTool === 'Read') return SEARCH_TOOLS.has(toolName);
  const rule = splitMcpName(ruleTool);
  const tool = splitMcpName(toolName);
  if (!rule || !tool || rule.server !== tool.server) return false;
  return rule.tool === undefined || rule.tool === '*';
}

const str = (input: Record<string, unknown>, key: string): string | undefined => {
  const value = input[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The file a file tool acts on, absolute, or the directory a search covers. */
export function targetPath(
  toolName: string,
  input: Record<string, unknown>,
  sessionDir: string,
): { file: string; wholeDirectory: boolean } | undefined {
  if (SEARCH_TOOLS.has(toolName)) {
    // A Glob pattern can itself leave the directory (`/etc/**`, `../**`): then no rule covers it.
    const pattern = str(input, 'pattern') ?? '';
    if (toolName === 'Glob' && (pattern.startsWith('/') || pattern.split('/').includes('..')))
      return undefined;
    return { file: path.resolve(sessionDir, str(input, 'path') ?? '.'), wholeDirectory: true };
  }
  const file = str(input, toolName === 'NotebookEdit' ? 'notebook_path' : 'file_path');
  return file === undefined ? undefined : { file: path.resolve(sessionDir, file), wholeDirectory: false };
}

/** `domain:example.com` matches that host; `domain:*.example.com` its subdomains. Only http(s) URLs. */
function matchesDomain(content: string, url: string): boolean {
  if (!content.startsWith('domain:')) return false;
  const wanted = content.slice('domain:'.length).trim().toLowerCase();
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
    host = parsed.hostname.toLowerCase();
  } catch {
    return false;
  }
  if (wanted.startsWith('*.')) return host.endsWith(wanted.slice(1)) && host.length > wanted.length - 1;
  return wanted !== '' && host === wanted;
}

/**
 * Whether `rule` allows this tool call in a session working in `sessionDir`. Conservative: when the
 * call's shape is unexpected, it does not match and the owner is asked.
 *
 * @example
 * matchesRule({ toolName: 'Bash', ruleContent: 'npm test:*' }, 'Bash', { command: 'npm test' }, dir, env) // true
 * matchesRule({ toolName: 'Edit', ruleContent: 'src/**' }, 'Write', { file_path: `${dir}/src/a.ts` }, dir, env) // true
 */
export function matchesRule(
  rule: PermissionRule,
  toolName: string,
  input: Record<string, unknown>,
  sessionDir: string,
  env: PathEnv,
): boolean {
  if (!ruleNameCovers(rule.toolName, toolName)) return false;
  const content = rule.ruleContent;
  if (content === undefined) return true;
  if (toolName === 'Bash') {
    const command = str(input, 'command');
    return command !== undefined && matchesBashRule(content, command);
  }
  if (toolName === 'WebFetch') {
    const url = str(input, 'url');
    return url !== undefined && matchesDomain(content, url);
  }
  if (rule.toolName === 'Read' || rule.toolName === 'Edit' || rule.toolName === 'Write') {
    const target = targetPath(toolName, input, sessionDir);
    return (
      target !== undefined && matchesPathPattern(content, target.file, sessionDir, env, target.wholeDirectory)
    );
  }
  return false;
}

/** The first of `rules` that allows the call, if any. */
export function findMatchingRule(
  rules: readonly PermissionRule[],
  toolName: string,
  input: Record<string, unknown>,
  sessionDir: string,
  env: PathEnv,
): PermissionRule | undefined {
  return rules.find((rule) => matchesRule(rule, toolName, input, sessionDir, env));
}
