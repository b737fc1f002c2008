import { Writable } from 'node:stream';
import pino from 'pino';
import { parseSettings, type Settings } from '../../src/config/settings.ts';

/** Settings as the bot would parse them from this environment. */
export function settingsFrom(env: Record<string, string>): Settings {
  const result = parseSettings({ TELEGRAM_BOT_TOKEN: '123456:TEST-token', ALLOWED_USER_IDS: '42', ...env });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.settings;
}

/** A logger whose lines a test can read back, without any scrubbing of its own. */
export function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => lines.join('') };
}
