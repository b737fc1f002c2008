import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parseSettings, type SettingsResult } from './settings.ts';

/**
 * The environment the bot runs with: `.env` in the working directory (if any) under the real
 * environment, so an exported variable always wins over the file.
 */
export function readEnvironment(cwd: string, env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...env };
}

export function loadSettings(cwd: string, env: NodeJS.ProcessEnv): SettingsResult {
  try {
    return parseSettings(readEnvironment(cwd, env));
  } catch (error) {
    return { ok: false, problems: [`.env could not be read: ${(error as Error).message}`] };
  }
}

/** The exit-2 report: one line per bad setting, no stack trace. */
export function formatSettingsProblems(problems: string[]): string {
  return [
    'The bot cannot start: fix these settings (environment or .env).',
    ...problems.map((p) => `  ${p}`),
  ].join('\n');
}
