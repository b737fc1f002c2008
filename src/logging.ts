import { writeSync } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs on stdout. Every string that reaches a log line is scrubbed of the
 * given secrets (bot token, API secrets), wherever it hides: messages, error stacks, URLs.
 */
export function createLogger(secrets: string[], destination: DestinationStream = stdoutLines()): Logger {
  const hidden = secrets.filter((secret) => secret.length >= 4);
  const scrub = (text: string): string =>
    hidden.reduce((result, secret) => result.split(secret).join('[REDACTED]'), text);
  return pino(
    {
      level: process.env.LOG_LEVEL ?? 'info',
      base: undefined,
      hooks: {
        streamWrite: scrub,
      },
    },
    destination,
  );
}

/**
 * Log lines written to `fd` (stdout) as they come. A stdout that fails (the terminal was closed: EIO;
 * the reader of the pipe exited: EPIPE) costs the log lines from then on, never the bot: pino's own
 * stdout stream retried a write to a closed terminal forever, so the bot never handled another update
 * nor stopped. A full non-blocking pipe (EAGAIN) drops the line and says how many once it drains.
 */
export function stdoutLines(fd = 1): DestinationStream {
  let broken = false;
  let dropped = 0;
  const writeAll = (text: string): void => {
    const bytes = Buffer.from(text);
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
  };
  return {
    write(line: string): void {
      if (broken) return;
      try {
        if (dropped > 0) {
          writeAll(
            `${JSON.stringify({ level: 40, time: Date.now(), msg: `${dropped} log lines dropped: stdout was full` })}\n`,
          );
          dropped = 0;
        }
        writeAll(line);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') dropped += 1;
        else broken = true;
      }
    },
  };
}

/**
 * Node's process warnings (the Agent SDK emits some at each Claude Code start) as log lines, each kind
 * once, instead of Node's unstructured lines on stderr.
 */
export function logProcessWarnings(logger: Logger, target: NodeJS.EventEmitter = process): void {
  const seen = new Set<string>();
  target.removeAllListeners('warning');
  target.on('warning', (warning: Error & { code?: string }) => {
    const kind = warning.code ?? `${warning.name}: ${warning.message}`;
    if (seen.has(kind)) return;
    seen.add(kind);
    logger.warn({ warning: { name: warning.name, code: warning.code } }, warning.message);
  });
}
