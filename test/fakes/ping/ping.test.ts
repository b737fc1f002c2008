import { execFile } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, type FakePing, listenTcp, startFakePing } from './index.ts';

function run(command: string, args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, (error, stdout, stderr) =>
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
    );
  });
}

describe('fake ping', () => {
  let ping: FakePing;
  beforeAll(async () => {
    ping = await startFakePing({
      'up.lan': { reply: 1.5 },
      'down.lan': 'no-reply',
      'ct.lan': 'not-permitted',
    });
  });
  afterAll(() => ping.close());

  it('answers like iputils ping: exit 0 with the round trip, 1 for no reply, 2 for errors', async () => {
    const up = await run(ping.command, ['-n', '-c', '1', '-W', '1', 'up.lan']);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('time=1.5 ms');
    expect((await run(ping.command, ['-n', '-c', '1', '-W', '1', 'down.lan'])).code).toBe(1);
    const denied = await run(ping.command, ['-n', '-c', '1', '-W', '1', 'ct.lan']);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('Operation not permitted');
    const unknown = await run(ping.command, ['-n', '-c', '1', '-W', '1', 'nowhere.lan']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Name or service not known');
  });

  it('records its arguments and can change its answers', async () => {
    await ping.set('down.lan', { reply: 3 });
    expect((await run(ping.command, ['-n', '-c', '1', '-W', '1', 'down.lan'])).code).toBe(0);
    expect((await ping.calls()).at(-1)).toEqual(['-n', '-c', '1', '-W', '1', 'down.lan']);
  });

  it('gives TCP ports that accept, and ports that refuse', async () => {
    const listener = await listenTcp();
    const connect = (port: number) =>
      new Promise<string>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        socket.once('connect', () => resolve('connected'));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
    expect(await connect(listener.port)).toBe('connected');
    await listener.close();
    expect(await connect(await closedPort())).toBe('ECONNREFUSED');
  });
});
