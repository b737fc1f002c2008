import { loadSettings, readEnvironment } from '../config/load.ts';
import { type CheckResult, fail, ok, warn } from './check.ts';
import { checkClaudeExecutable } from './claude.ts';
import { checkClaudeCredentials } from './credentials.ts';
import { checkDataDir } from './data-dir.ts';
import { checkHomelab, checkPing } from './homelab.ts';
import { checkTelegram } from './telegram.ts';

export interface DoctorOptions {
  /** Where `.env` is read from, as `npm start` does. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Per network check; default 10 s. */
  timeoutMs?: number;
  /** `ping` from PATH unless given. */
  pingCommand?: string;
}

/** Every check, in the order the issue lists them; each one settles, none throws. */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const environment = readEnvironment(options.cwd, options.env);
  const loaded = loadSettings(options.cwd, options.env);
  const results: CheckResult[] = [];

  if (!loaded.ok) {
    results.push(
      fail('Settings', loaded.problems.join('; '), 'set them in .env or the environment (README, Settings)'),
    );
  } else {
    results.push(ok('Settings', `valid (${loaded.settings.allowedUserIds.length} allowed user(s))`));
  }
  const settings = loaded.ok ? loaded.settings : undefined;

  if (settings) results.push(await checkTelegram(settings, timeoutMs));
  results.push(await checkClaudeExecutable(environment.CLAUDE_PATH || undefined, environment, timeoutMs));
  results.push(await checkClaudeCredentials(environment));
  if (settings) {
    results.push(await checkDataDir(settings.dataDir));
    results.push(...(await checkHomelab(settings, timeoutMs)));
  } else {
    results.push(
      warn(
        'Telegram, DATA_DIR, homelab',
        'not checked',
        'fix the settings above, then run npm run doctor again',
      ),
    );
  }
  results.push(await checkPing(options.pingCommand ?? 'ping', Math.min(timeoutMs, 5_000)));
  return results;
}
