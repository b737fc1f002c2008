export { ruleFor } from './choose.ts';
export { findMatchingRule, matchesRule } from './match.ts';
export { type PathEnv, systemPathEnv } from './paths.ts';
export { formatRule, type PermissionRule, parseRule, parseRules, sameRule, toRuleValue } from './syntax.ts';
