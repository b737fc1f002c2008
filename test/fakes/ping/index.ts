import fs from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** How the fake `ping` answers for a host, as iputils `ping` would. */
export type PingBehaviour =
  | { reply: number }
  | 'no-reply'
  | 'unknown-host'
  /** No `net.ipv4.ping_group_range` for us: ICMP sockets are refused. */
  | 'not-permitted'
  /** Never answers within any sane timeout. */
  | 'hang';

export interface FakePing {
  dir: string;
  /** Absolute path of the fake executable (usable as `pingCommand`). */
  command: string;
  /** PATH with the fake first, for a child process. */
  pathEnv: string;
  set(host: string, behaviour: PingBehaviour): Promise<void>;
  /** The answer for hosts not set; `unknown-host` to start with. */
  setDefault(behaviour: PingBehaviour): Promise<void>;
  /** The argument lists it was called with, in order. */
  calls(): Promise<string[][]>;
  close(): Promise<void>;
}

/**
 * A POSIX shell script, like the real `ping` a quick binary to start: a Node script takes long
 * enough to start on a busy machine to hit the client's timeout. Behaviours are one file per host
 * in `hosts/` (`reply:<ms>:<rtt>`, `no-reply`, …), with `default` for the rest; calls go to `calls.tsv`.
 */
const SCRIPT = (dir: string) => `#!/bin/sh
dir='${dir}'
for arg in "$@"; do printf '%s\\t' "$arg"; done >> "$dir/calls.tsv"
printf '\\n' >> "$dir/calls.tsv"
for host in "$@"; do :; done
if [ -n "$host" ] && [ -f "$dir/hosts/$host" ]; then behaviour=$(cat "$dir/hosts/$host"); else behaviour=$(cat "$dir/default"); fi
case "$behaviour" in
  hang) exec sleep 600 ;;
  not-permitted)
    printf 'ping: socktype: SOCK_RAW\\nping: socket: Operation not permitted\\nping: => missing cap_net_raw+p capability or setuid?\\n' >&2
    exit 2 ;;
  unknown-host)
    printf 'ping: %s: Name or service not known\\n' "$host" >&2
    exit 2 ;;
  no-reply)
    printf 'PING %s (%s) 56(84) bytes of data.\\n\\n--- %s ping statistics ---\\n1 packets transmitted, 0 received, 100%% packet loss, time 0ms\\n\\n' "$host" "$host" "$host"
    exit 1 ;;
  reply:*)
    rest=\${behaviour#reply:}
    time=\${rest%%:*}
    rtt=\${rest#*:}
    printf 'PING %s (%s) 56(84) bytes of data.\\n64 bytes from %s: icmp_seq=1 ttl=64 time=%s ms\\n\\n--- %s ping statistics ---\\n1 packets transmitted, 1 received, 0%% packet loss, time 0ms\\nrtt min/avg/max/mdev = %s/%s/%s/0.000 ms\\n' "$host" "$host" "$host" "$time" "$host" "$rtt" "$rtt" "$rtt"
    exit 0 ;;
esac
exit 2
`;

function behaviourLine(behaviour: PingBehaviour): string {
  return typeof behaviour === 'string' ? behaviour : `reply:${behaviour.reply}:${behaviour.reply.toFixed(3)}`;
}

/** A fake `ping` executable in a temp dir, answering per host as configured. */
export async function startFakePing(hosts: Record<string, PingBehaviour> = {}): Promise<FakePing> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-ping-'));
  const hostsDir = path.join(dir, 'hosts');
  const callsFile = path.join(dir, 'calls.tsv');
  const command = path.join(dir, 'ping');
  const set = (host: string, behaviour: PingBehaviour) => {
    if (host.includes('/') || host.startsWith('.'))
      throw new Error(`the fake ping cannot store host ${host}`);
    return fs.writeFile(path.join(hostsDir, host), behaviourLine(behaviour));
  };
  const setDefault = (behaviour: PingBehaviour) =>
    fs.writeFile(path.join(dir, 'default'), behaviourLine(behaviour));
  await fs.mkdir(hostsDir);
  await setDefault('unknown-host');
  for (const [host, behaviour] of Object.entries(hosts)) await set(host, behaviour);
  await fs.writeFile(callsFile, '');
  await fs.writeFile(command, SCRIPT(dir), { mode: 0o755 });
  return {
    dir,
    command,
    pathEnv: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    set,
    setDefault,
    calls: async () =>
      (await fs.readFile(callsFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t').slice(0, -1)),
    close: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

export interface TcpListener {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A local TCP port that accepts connections (and closes them at once). */
export async function listenTcp(): Promise<TcpListener> {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port with nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const listener = await listenTcp();
  await listener.close();
  return listener.port;
}
