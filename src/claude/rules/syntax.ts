import type { PermissionRuleValue } from '@anthropic-ai/claude-agent-sdk';

/**
 * One permission rule in Claude Code's own syntax: `Bash`, `Bash(npm test:*)`, `Edit(src/**)`,
 * `WebFetch(domain:example.com)`, `mcp__github`, `mcp__github__create_issue`.
 * The same shape as the SDK's `PermissionRuleValue`, so suggestions pass through unchanged.
 */
export interface PermissionRule {
  toolName: string;
  /** What is between the parentheses; absent for a rule that names the tool alone. */
  ruleContent?: string;
}

// A tool name, or every tool of one MCP server written as `mcp__server__*`.
const TOOL_NAME = /^(?:[A-Za-z_][A-Za-z0-9_-]*|mcp__[A-Za-z0-9_-]+?__\*)$/;

/**
 * Reads a rule as Claude Code writes it in settings: `parseRule('Bash(npm test:*)')` is
 * `{ toolName: 'Bash', ruleContent: 'npm test:*' }`. `Tool(*)` means the same as `Tool`.
 * Returns undefined for text that is not a rule (empty parentheses, a bad tool name, a missing `)`).
 */
export function parseRule(text: string): PermissionRule | undefined {
  const trimmed = text.trim();
  const open = trimmed.indexOf('(');
  if (open === -1) return TOOL_NAME.test(trimmed) ? { toolName: trimmed } : undefined;
  if (!trimmed.endsWith(')')) return undefined;
  const toolName = trimmed.slice(0, open);
  const ruleContent = trimmed.slice(open + 1, -1);
  if (!TOOL_NAME.test(toolName) || ruleContent.trim() === '') return undefined;
  return ruleContent === '*' ? { toolName } : { toolName, ruleContent };
}

/** Writes a rule back in Claude Code's syntax: `formatRule({ toolName: 'Bash', ruleContent: 'ls' })` is `Bash(ls)`. */
export function formatRule(rule: PermissionRule): string {
  return rule.ruleContent === undefined ? rule.toolName : `${rule.toolName}(${rule.ruleContent})`;
}

/** The rule as the SDK's `PermissionRuleValue`, e.g. for `updatedPermissions`. */
export function toRuleValue(rule: PermissionRule): PermissionRuleValue {
  return rule.ruleContent === undefined
    ? { toolName: rule.toolName }
    : { toolName: rule.toolName, ruleContent: rule.ruleContent };
}

/** Two rules that read the same. */
export const sameRule = (a: PermissionRule, b: PermissionRule): boolean => formatRule(a) === formatRule(b);

/** The rules among stored texts (`allowed_tools` in metadata.json); text that is no rule is skipped. */
export function parseRules(texts: readonly string[]): PermissionRule[] {
  return texts.flatMap((text) => {
    const rule = parseRule(text);
    return rule ? [rule] : [];
  });
}
