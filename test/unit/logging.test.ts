import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logs', () => {
  it('are JSON lines with the secrets scrubbed wherever they appear', () => {
    const { lines, stream } = capture();
    const token = '123456:AAHsecretTokenPart';
    const logger = createLogger([token, 'pbs-secret-uuid'], stream);
    logger.info({ url: `https://api.telegram.org/bot${token}/getMe` }, 'calling');
    logger.error({ err: new Error('auth failed for pbs-secret-uuid') }, 'PBS failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(line).not.toContain('AAHsecretTokenPart');
      expect(line).not.toContain('pbs-secret-uuid');
    }
    expect(lines[0]).toContain('[REDACTED]');
  });
});
