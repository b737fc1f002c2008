#!/usr/bin/env node
/**
 * CLAUDE_PATH for `npm run bench`: runs the real Claude Code CLI with the same arguments and
 * relays its stdin and stdout untouched, noting when each user message reaches the CLI and when
 * each turn's result leaves it. Those two instants split a turn through the bot into the bot's
 * own work and the CLI's, measured inside the same turn rather than estimated from another one.
 *
 * Plain JavaScript so it starts as fast as node can; it forwards before it records anything.
 * Each stamp is the instant the relay read the line, before forwarding it: the hop on to the CLI
 * falls in the CLI's stretch, the hop on to the bot in the bot's.
 * Stamps are appended to BENCH_RELAY_LOG, one JSON object per line: { at, dir: 'in' | 'out', type, text, pid? }.
 * The first, `started`, is the instant the relay's own process began.
 * It ends as the CLI ends: with its exit code, or killed by the same signal.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
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

// When this relay's process began (node's time origin), on the same clock as the other stamps: splits
// a start into the spawn (the caller's share) and node starting the relay (the same in every run).
write({ at: monotonicMs() - performance.now(), dir: 'in', type: 'started', text: '', pid: process.pid });

const child = spawn(realClaude, process.argv.slice(2), { stdio: ['pipe', 'pipe', 'inherit'] });
child.on('error', (error) => {
  // Node reports a failed kill here too; only a failed spawn ends the relay (as a shell would: 127, 126).
  if (!String(error.syscall).startsWith('spawn')) {
    process.stderr.write(`cli-relay: ${error.message}\n`);
    return;
  }
  process.stderr.write(`cli-relay: cannot run ${realClaude}: ${error.message}\n`);
  process.exit(error.code === 'ENOENT' ? 127 : error.code === 'EACCES' ? 126 : 1);
});

/**
 * Splits a byte stream into lines and hands each complete line to `onLine`. Decodes across chunks,
 * so a character whose bytes arrive in two chunks stays whole.
 */
function lines(onLine) {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return (chunk, at) => {
    pending += decoder.write(chunk);
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

/**
 * Lines worth a stamp: user messages, assistant messages (the answer's text, written before the result) and results; permission requests (`can_use_tool`) and the
 * bot's answers to control requests. Everything else is only forwarded.
 */
const wanted = {
  in: ['"type":"user"', '"type":"control_response"'],
  out: ['"type":"result"', '"type":"assistant"', '"can_use_tool"'],
};

/** Stamps waiting for their timer; written at once if the CLI ends first. */
const pending = new Set();

function later(task) {
  const entry = {
    task,
    timer: setTimeout(() => {
      pending.delete(entry);
      task();
    }, RECORD_DELAY_MS),
  };
  pending.add(entry);
}

function flushPending() {
  for (const entry of pending) {
    clearTimeout(entry.timer);
    entry.task();
  }
  pending.clear();
}

/**
 * Parses and writes a stamp a little later, so the relay's own work does not compete for the CPU
 * with the bot handling the very line it just forwarded. The stamp keeps the arrival time.
 */
function record(at, dir, line) {
  if (!logFile || !wanted[dir].some((marker) => line.includes(marker))) return;
  later(() => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (dir === 'in' && message.type === 'user')
      write({ at, dir, type: 'user', text: textOf(message.message?.content), pid: process.pid });
    if (dir === 'out' && message.type === 'assistant')
      write({ at, dir, type: 'assistant', text: textOf(message.message?.content) });
    if (dir === 'out' && message.type === 'result')
      write({ at, dir, type: 'result', text: String(message.result ?? '') });
    if (dir === 'out' && message.type === 'control_request' && message.request?.subtype === 'can_use_tool')
      write({
        at,
        dir,
        type: 'can_use_tool',
        text: String(message.request.input?.command ?? message.request.tool_name ?? ''),
        requestId: String(message.request_id),
      });
    if (dir === 'in' && message.type === 'control_response')
      write({ at, dir, type: 'control_response', text: '', requestId: String(message.response?.request_id) });
  });
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
// The bot went away (EPIPE): nothing left to forward to; the CLI ends when its stdin does.
let stdoutBroken = false;
process.stdout.on('error', (error) => {
  stdoutBroken = true;
  if (error.code !== 'EPIPE') process.stderr.write(`cli-relay: stdout: ${error.message}\n`);
});
child.stdout.on('data', (chunk) => {
  const at = monotonicMs();
  if (!stdoutBroken) process.stdout.write(chunk);
  fromClaude(chunk, at);
});

/** Signals passed on to the CLI, so the bot's stop reaches it. */
const forwarded = new Map(
  ['SIGTERM', 'SIGINT', 'SIGHUP'].map((signal) => [signal, () => child.kill(signal)]),
);
for (const [signal, forward] of forwarded) process.on(signal, forward);

/** Ends the relay as the CLI ended: by the same signal (its default action), or with its code. */
function endLikeTheCli(code, signal) {
  if (signal) {
    for (const [name, forward] of forwarded) process.off(name, forward);
    process.kill(process.pid, signal);
    // A signal whose default action is not to end a node process (SIGPIPE, ignored by node): the shell's convention.
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100);
    return;
  }
  process.exit(code ?? 1);
}

child.on('close', (code, signal) => {
  flushPending();
  if (stdoutBroken) endLikeTheCli(code, signal);
  else process.stdout.write('', () => endLikeTheCli(code, signal));
});
