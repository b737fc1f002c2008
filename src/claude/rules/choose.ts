import path from 'node:path';
import type { PermissionUpdate } from '@anthropic-ai/claude-agent-sdk';
import { matchesRule, splitMcpName, targetPath } from './match.ts';
import { anchorPattern, insideOf, isLiteralPattern, type PathEnv, realPathOf } from './paths.ts';
import type { PermissionRule } from './syntax.ts';

/** Tools answered by the owner in their own way (a question, a plan): never a standing rule. */
const NEVER_RULED = new Set(['AskUserQuestion', 'ExitPlanMode']);
/** Tools whose bare name would allow far more than the call the owner saw. */
const NEEDS_CONTENT = new Set([
  'Bash',
  'Read',
  'Grep',
  'Glob',
  'Edit',
  'Write',
  'MultiEdit',
  'NotebookEdit',
  'WebFetch',
]);
const PATH_RULE_TOOLS = new Set(['Read', 'Edit', 'Write']);

/** The `allow` rules the SDK suggested, in its order. */
function suggestedRules(suggestions: readonly PermissionUpdate[] | undefined): PermissionRule[] {
  return (suggestions ?? []).flatMap((update) =>
    update.type === 'addRules' && update.behavior === 'allow'
      ? update.rules.map((rule) =>
          rule.ruleContent === undefined
            ? { toolName: rule.toolName }
            : { toolName: rule.toolName, ruleContent: rule.ruleContent },
        )
      : [],
  );
}

/**
 * A path rule stays inside the session directory when its pattern is anchored there, or, when it
 * names a place outside, it is the one exact path of this call (no glob beyond the directory).
 */
function staysInSession(rule: PermissionRule, target: string, sessionDir: string, env: PathEnv): boolean {
  const content = rule.ruleContent;
  if (content === undefined || content.split('/').includes('..')) return false;
  const { base, pattern } = anchorPattern(content, sessionDir, env);
  if (base === sessionDir) return true;
  if (isLiteralPattern(pattern)) return realPathOf(path.join(base, pattern), env) === realPathOf(target, env);
  // A glob written from elsewhere is fine when the part before its first wildcard is inside the session.
  const fixed = pattern.split('/');
  const firstWild = fixed.findIndex((segment) => !isLiteralPattern(segment));
  const literalDir = path.join(base, ...fixed.slice(0, firstWild));
  return insideOf(realPathOf(sessionDir, env), realPathOf(literalDir, env)) !== undefined;
}

/** Whether a suggested rule may be used: it allows this very call and no more than the owner can see. */
function acceptable(
  rule: PermissionRule,
  toolName: string,
  input: Record<string, unknown>,
  sessionDir: string,
  env: PathEnv,
): boolean {
  if (!matchesRule(rule, toolName, input, sessionDir, env)) return false;
  if (rule.ruleContent === undefined) return !NEEDS_CONTENT.has(rule.toolName);
  if (!PATH_RULE_TOOLS.has(rule.toolName)) return true;
  const target = targetPath(toolName, input, sessionDir);
  return target !== undefined && staysInSession(rule, target.file, sessionDir, env);
}

/** Our own choice when no suggestion fits: as narrow as stays useful. */
function ownRule(
  toolName: string,
  input: Record<string, unknown>,
  sessionDir: string,
  env: PathEnv,
): PermissionRule | undefined {
  if (toolName === 'Bash') {
    const command = typeof input.command === 'string' ? input.command.trim() : '';
    return command === '' ? undefined : { toolName: 'Bash', ruleContent: command };
  }
  if (toolName === 'WebFetch') {
    try {
      const url = new URL(String(input.url));
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
      return url.hostname === ''
        ? undefined
        : { toolName, ruleContent: `domain:${url.hostname.toLowerCase()}` };
    } catch {
      return undefined;
    }
  }
  const target = targetPath(toolName, input, sessionDir);
  if (target !== undefined) {
    const ruleTool = toolName === 'Read' || toolName === 'Grep' || toolName === 'Glob' ? 'Read' : 'Edit';
    const content = pathContent(target.file, target.wholeDirectory, sessionDir, env);
    return content === undefined ? undefined : { toolName: ruleTool, ruleContent: content };
  }
  if (NEEDS_CONTENT.has(toolName)) return undefined;
  const mcp = splitMcpName(toolName);
  if (mcp && mcp.tool === undefined) return undefined;
  return { toolName };
}

/**
 * Inside the session directory: the file's directory as a glob (`src/lib/**`), or `./name` for a file
 * at the top (or the searched directory itself). Outside: the exact real path (`//etc/hosts`).
 */
function pathContent(
  file: string,
  wholeDirectory: boolean,
  sessionDir: string,
  env: PathEnv,
): string | undefined {
  const real = realPathOf(file, env);
  // A name with glob characters in it would, as a pattern, name other files too.
  if (/[*?[\]\\]/.test(real)) return undefined;
  const realSession = realPathOf(sessionDir, env);
  if (wholeDirectory && real === realSession) return '/**';
  const relative = insideOf(realSession, real);
  if (relative === undefined) return `/${real}`;
  if (wholeDirectory) return `${relative}/**`;
  const directory = path.posix.dirname(relative);
  return directory === '.' ? `./${relative}` : `${directory}/**`;
}

/**
 * The rule that "Allow for session" stores for this call, or undefined when no safe rule exists
 * (then the card offers only a one-time allow). The SDK's `permission_suggestions` come first, when
 * one of them allows this very call and does not reach beyond the session directory; otherwise the
 * narrowest useful rule: the exact command line, the file's directory inside the session, the exact
 * path outside it, the URL's domain, the MCP tool.
 *
 * @example
 * ruleFor('Bash', { command: 'npm test' }, [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }],
 *   behavior: 'allow', destination: 'session' }], dir, env) // { toolName: 'Bash', ruleContent: 'npm test:*' }
 */
export function ruleFor(
  toolName: string,
  input: Record<string, unknown>,
  suggestions: readonly PermissionUpdate[] | undefined,
  sessionDir: string,
  env: PathEnv,
): PermissionRule | undefined {
  if (NEVER_RULED.has(toolName)) return undefined;
  const suggested = suggestedRules(suggestions).find((rule) =>
    acceptable(rule, toolName, input, sessionDir, env),
  );
  if (suggested) return suggested;
  const own = ownRule(toolName, input, sessionDir, env);
  return own && matchesRule(own, toolName, input, sessionDir, env) ? own : undefined;
}
