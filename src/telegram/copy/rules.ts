/** Every sentence of `/rules`. */

export const rulesText = (session: string, rules: readonly string[]): string =>
  rules.length === 0
    ? `No rules for '${session}': every tool that needs approval is asked for.`
    : [
        `Rules for '${session}' (these run without asking; a button removes one):`,
        ...rules.map((rule, index) => `${index + 1}. ${rule}`),
      ].join('\n');

export const removeButton = (index: number, rule: string): string =>
  `🗑 ${index + 1}. ${rule.length > 40 ? `${rule.slice(0, 39)}…` : rule}`;

export const ruleRemovedText = (session: string, rule: string, untilTurnEnds: boolean): string =>
  untilTurnEnds
    ? `Rule removed from '${session}': ${rule}. Claude Code, busy with a turn, keeps it until its process starts again.`
    : `Rule removed from '${session}': ${rule}.`;

export const RULE_GONE = 'That rule is no longer there.';
