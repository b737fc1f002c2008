#!/usr/bin/env node
/**
 * CLAUDE_PATH for `npm run bench`: runs the real Claude Code CLI with the same arguments and
 * relays its stdin and stdout untouched, noting when each user message reaches the CLI and when
 * each turn's result leaves it. Those two instants split a turn through the bot into the bot's
 * own work and the CLI's, measured inside the same turn rather than estimated from another one.
 *
 * Plain JavaScript so it starts as fast as node can; it forwards before it records anything.
 * Stamps are appended to BENCH_RELAY_LOG, one JSON object per line: { at, dir: 'in' | 'out', type, text }.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const realClaude =
  process.env.BENCH_RELAY_CLAUDE ??
  fileURLToPath(
    import.meta.resolve(`@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}/claude`),
  );
const logFile = process.env.BENCH_RELAY_LOG;
const RECORD_DELAY_MS = 20;

/** The machine's monotonic clock, as test/fakes/monotonic.ts reads it: comparable across processes. */
const monotonicMs = () => Number(process.hrtime.bigint() / 1_000n) / 1_000;

/** Appends one stamp (synchronously: a stamp is never half written when the benchmark reads it). */
function write(stamp) {
  if (!logFile) return;
  try {
    appendFileSync(logFile, `${JSON.stringify(stamp)}\n`);
  } catch (error) {
    // A stamp that cannot be written must not end the relay, and with it the CLI.
    process.stderr.write(`cli-relay: ${error.message}\n`);
  }
}

const child = spawn(realClaude, process.argv.slice(2), { stdio: ['pipe', 'pipe', 'inherit'] });

/** Splits a byte stream into lines and hands each complete line to `onLine`. */
function lines(onLine) {
  let pending = '';
  return (chunk, at) => {
    pending += chunk.toString('utf8');
    let end = pending.indexOf('\n');
    while (end >= 0) {
      onLine(pending.slice(0, end), at);
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
  };
}

function textOf(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((block) => block?.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

/** Lines worth a stamp; everything else (init, stream events, control messages) is only forwarded. */
const wanted = { in: '"type":"user"', out: '"type":"result"' };

/**
 * Parses and writes a stamp a little later, so the relay's own work does not compete for the CPU
 * with the bot handling the very line it just forwarded. The stamp keeps the arrival time.
 */
function record(at, dir, line) {
  if (!logFile || !line.includes(wanted[dir])) return;
  setTimeout(() => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (dir === 'in' && message.type === 'user')
      write({ at, dir, type: 'user', text: textOf(message.message?.content) });
    if (dir === 'out' && message.type === 'result')
      write({ at, dir, type: 'result', text: String(message.result ?? '') });
  }, RECORD_DELAY_MS);
}

const fromBot = lines((line, at) => record(at, 'in', line));
const fromClaude = lines((line, at) => record(at, 'out', line));

process.stdin.on('data', (chunk) => {
  const at = monotonicMs();
  child.stdin.write(chunk);
  fromBot(chunk, at);
});
process.stdin.on('end', () => child.stdin.end());
child.stdin.on('error', () => {});
child.stdout.on('data', (chunk) => {
  const at = monotonicMs();
  process.stdout.write(chunk);
  fromClaude(chunk, at);
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'])
  process.on(signal, () => {
    child.kill(signal);
  });

child.on('close', (code) => {
  process.stdout.write('', () => process.exit(code ?? 1));
});
