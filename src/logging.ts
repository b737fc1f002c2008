import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs on stdout. Every string that reaches a log line is scrubbed of the
 * given secrets (bot token, API secrets), wherever it hides: messages, error stacks, URLs.
 */
export function createLogger(secrets: string[], destination?: DestinationStream): Logger {
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
