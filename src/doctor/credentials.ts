import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { type CheckResult, fail, ok, warn } from './check.ts';

const NAME = 'Claude credentials';

/** Variables Claude Code authenticates with, in the order it prefers them. */
const CREDENTIAL_VARIABLES = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
] as const;

/** `/login` with a claude.ai account: `<config dir>/.credentials.json`. */
const oauthFile = z.object({
  claudeAiOauth: z.looseObject({
    accessToken: z.string().min(1),
    refreshToken: z.string().optional(),
    expiresAt: z.number().optional(),
  }),
});
/** `/login` with an Anthropic Console account: the key in Claude Code's global config file. */
const globalConfig = z.looseObject({ primaryApiKey: z.string().min(1) });

async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether Claude Code has something to log in with, read from its environment and config files:
 * nothing is sent anywhere and no tokens are spent. `env` is the environment the bot gives it.
 */
export async function checkClaudeCredentials(
  env: Record<string, string | undefined>,
  now: Date = new Date(),
): Promise<CheckResult> {
  for (const name of CREDENTIAL_VARIABLES) if (env[name]?.trim()) return ok(NAME, `${name} is set`);

  const home = env.HOME ?? os.homedir();
  const configDir = env.CLAUDE_CONFIG_DIR ?? path.join(home, '.claude');
  const credentialsFile = path.join(configDir, '.credentials.json');
  const oauth = await readJsonFile(credentialsFile, oauthFile);
  if (oauth) {
    const { expiresAt, refreshToken } = oauth.claudeAiOauth;
    if (expiresAt !== undefined && expiresAt < now.getTime() && !refreshToken)
      return warn(
        NAME,
        `the login in ${credentialsFile} has expired`,
        'log in again: run claude and type /login',
      );
    return ok(NAME, `logged in with a claude.ai account (${credentialsFile})`);
  }
  const configFile = env.CLAUDE_CONFIG_DIR
    ? path.join(env.CLAUDE_CONFIG_DIR, '.claude.json')
    : path.join(home, '.claude.json');
  if (await readJsonFile(configFile, globalConfig))
    return ok(NAME, `logged in with an Anthropic Console key (${configFile})`);

  return fail(
    NAME,
    `no ANTHROPIC_API_KEY and no login in ${configDir}`,
    `set ANTHROPIC_API_KEY in .env, or log in once as this user: run claude and type /login (HOME=${home})`,
  );
}
