import { EventEmitter } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logProcessWarnings, stdoutLines } from '../../src/logging.ts';

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

describe('log lines on stdout', () => {
  it('are written whole, one after another', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'logs-'));
    const file = path.join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const logger = createLogger([], stdoutLines(fd));
      logger.info({ n: 1 }, 'first');
      logger.info({ n: 2, text: 'é'.repeat(5_000) }, 'second');
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['first', 'second']);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cost only the log lines when stdout cannot be written (a closed terminal): no throw, no retrying', () => {
    const fd = openSync('/dev/null', 'r'); // every write fails, as on a terminal that went away
    try {
      const logger = createLogger([], stdoutLines(fd));
      const started = Date.now();
      for (let i = 0; i < 100; i++) expect(() => logger.info({ i }, 'into the void')).not.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      closeSync(fd);
    }
  });
});

describe('process warnings', () => {
  it("become one JSON log line per kind, in place of Node's own listener", () => {
    const { lines, stream } = capture();
    const emitter = new EventEmitter();
    let nodeListenerCalled = false;
    emitter.on('warning', () => {
      nodeListenerCalled = true;
    });
    logProcessWarnings(createLogger([], stream), emitter);
    const shadowed = Object.assign(new Error('canUseTool will not be invoked for: X'), {
      name: 'Warning',
      code: 'CLAUDE_SDK_CAN_USE_TOOL_SHADOWED',
    });
    emitter.emit('warning', shadowed);
    emitter.emit('warning', shadowed);
    emitter.emit('warning', Object.assign(new Error('something else'), { name: 'DeprecationWarning' }));
    expect(nodeListenerCalled).toBe(false);
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      {
        level: 40,
        msg: 'canUseTool will not be invoked for: X',
        warning: { code: 'CLAUDE_SDK_CAN_USE_TOOL_SHADOWED' },
      },
      { level: 40, msg: 'something else', warning: { name: 'DeprecationWarning' } },
    ]);
  });
});
