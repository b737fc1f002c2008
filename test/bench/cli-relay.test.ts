/**
 * bench/cli-relay.mjs against a stand-in for the Claude CLI (a small node script): it relays bytes
 * untouched, stamps whole characters, writes its stamps even when the CLI ends at once, and ends as
 * the CLI ended.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_PATH } from '../../bench/relay-log.ts';

/**
 * Answers each user line with a result line written in two chunks split inside a multibyte
 * character; exits with FAKE_CLI_CODE as soon as its stdin has ended and it has answered, or kills
 * itself with FAKE_CLI_SIGNAL after an answer.
 */
const FAKE_CLI = `#!/usr/bin/env node
import { StringDecoder } from 'node:string_decoder';
const decoder = new StringDecoder('utf8');
let pending = '';
let answering = Promise.resolve();
process.stdin.on('data', (chunk) => {
  answering = answering.then(() => answer(chunk));
});
async function answer(chunk) {
  pending += decoder.write(chunk);
  let end;
  while ((end = pending.indexOf('\\n')) >= 0) {
    const line = JSON.parse(pending.slice(0, end));
    pending = pending.slice(end + 1);
    const bytes = Buffer.from(JSON.stringify({ type: 'result', result: 'You said: ' + line.message.content }) + '\\n');
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    process.stdout.write(bytes.subarray(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 30));
    process.stdout.write(bytes.subarray(cut));
    if (process.env.FAKE_CLI_SIGNAL) process.kill(process.pid, process.env.FAKE_CLI_SIGNAL);
  }
}
// Right after the last answer: before the relay's 20 ms stamp delay is up.
process.stdin.on('end', () => answering.then(() => process.exit(Number(process.env.FAKE_CLI_CODE ?? 0))));
`;

interface Run {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  pid: number | undefined;
}

describe('the CLI relay', () => {
  let dir: string;
  let fakeCli: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cli-relay-'));
    fakeCli = path.join(dir, 'fake-claude.mjs');
    await writeFile(fakeCli, FAKE_CLI);
    await chmod(fakeCli, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the relay, writes the chunks to its stdin 30 ms apart, then (with `endInput`) ends it. */
  async function relay(chunks: Buffer[], env: Record<string, string>, endInput = true): Promise<Run> {
    const child = spawn(process.execPath, [RELAY_PATH], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin.on('error', () => {});
    const closed = new Promise<Run>((resolve) =>
      child.on('close', (code, signal) =>
        resolve({ stdout: Buffer.concat(stdout), stderr, code, signal, pid: child.pid }),
      ),
    );
    for (const chunk of chunks) {
      child.stdin.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    if (endInput) child.stdin.end();
    return closed;
  }

  const userLine = (text: string) =>
    Buffer.from(`${JSON.stringify({ type: 'user', message: { role: 'user', content: text } })}\n`);
  /** Cut inside the two bytes of 'é'. */
  const splitInsideE = (line: Buffer) => {
    const cut = line.indexOf(Buffer.from('é')) + 1;
    return [line.subarray(0, cut), line.subarray(cut)];
  };

  async function stamps(log: string): Promise<Array<Record<string, unknown>>> {
    return (await readFile(log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('relays the bytes untouched, stamps whole characters split across chunks, and exits with the code', async () => {
    const log = path.join(dir, 'utf8.log');
    const line = userLine('café au lait');
    const run = await relay(splitInsideE(line), {
      BENCH_RELAY_CLAUDE: fakeCli,
      BENCH_RELAY_LOG: log,
      FAKE_CLI_CODE: '3',
    });
    expect(run.code).toBe(3);
    expect(run.stdout.toString()).toBe(
      `${JSON.stringify({ type: 'result', result: 'You said: café au lait' })}\n`,
    );
    // The CLI ended within the 20 ms before the result's stamp was due: it was written all the same.
    expect(await stamps(log)).toEqual([
      // Its own start first, before it read anything: earlier than the message, and with its pid.
      expect.objectContaining({ dir: 'in', type: 'started', pid: run.pid }),
      expect.objectContaining({ dir: 'in', type: 'user', text: 'café au lait', pid: run.pid }),
      expect.objectContaining({ dir: 'out', type: 'result', text: 'You said: café au lait' }),
    ]);
  });

  it('ends by the signal that ended the CLI, not with a made-up exit code', async () => {
    const log = path.join(dir, 'signal.log');
    const run = await relay(
      [userLine('é, then SIGTERM')],
      {
        BENCH_RELAY_CLAUDE: fakeCli,
        BENCH_RELAY_LOG: log,
        FAKE_CLI_SIGNAL: 'SIGTERM',
      },
      false,
    );
    expect(run).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect((await stamps(log)).map((s) => s.type)).toEqual(['started', 'user', 'result']);
  });

  it('says in one line that the CLI cannot be run, and exits 127 as a shell would', async () => {
    const run = await relay([], { BENCH_RELAY_CLAUDE: path.join(dir, 'no-such-claude') }, false);
    expect(run.code).toBe(127);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('no-such-claude');
  });
});
