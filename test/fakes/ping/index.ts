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

const SCRIPT = (configFile: string, callsFile: string) => `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(callsFile)}, JSON.stringify(args) + '\\n');
const host = args[args.length - 1];
const config = JSON.parse(fs.readFileSync(${JSON.stringify(configFile)}, 'utf8'));
const behaviour = config.hosts[host] ?? config.default;
if (behaviour === 'hang') setTimeout(() => {}, 600000);
else if (behaviour === 'not-permitted') {
  process.stderr.write('ping: socktype: SOCK_RAW\\nping: socket: Operation not permitted\\nping: => missing cap_net_raw+p capability or setuid?\\n');
  process.exit(2);
} else if (behaviour === 'unknown-host') {
  process.stderr.write('ping: ' + host + ': Name or service not known\\n');
  process.exit(2);
} else if (behaviour === 'no-reply') {
  process.stdout.write('PING ' + host + ' (' + host + ') 56(84) bytes of data.\\n\\n--- ' + host + ' ping statistics ---\\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\\n\\n');
  process.exit(1);
} else {
  const rtt = behaviour.reply.toFixed(3);
  process.stdout.write('PING ' + host + ' (' + host + ') 56(84) bytes of data.\\n64 bytes from ' + host + ': icmp_seq=1 ttl=64 time=' + behaviour.reply + ' ms\\n\\n--- ' + host + ' ping statistics ---\\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\\nrtt min/avg/max/mdev = ' + rtt + '/' + rtt + '/' + rtt + '/0.000 ms\\n');
  process.exit(0);
}
`;

/** A fake `ping` executable in a temp dir, answering per host as configured. */
export async function startFakePing(hosts: Record<string, PingBehaviour> = {}): Promise<FakePing> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-ping-'));
  const configFile = path.join(dir, 'config.json');
  const callsFile = path.join(dir, 'calls.jsonl');
  const command = path.join(dir, 'ping');
  const config: { hosts: Record<string, PingBehaviour>; default: PingBehaviour } = {
    hosts: { ...hosts },
    default: 'unknown-host',
  };
  const save = () => fs.writeFile(configFile, JSON.stringify(config));
  await save();
  await fs.writeFile(callsFile, '');
  await fs.writeFile(command, SCRIPT(configFile, callsFile), { mode: 0o755 });
  return {
    dir,
    command,
    pathEnv: `${dir}${path.delimiter}${process.env.PATH ?? ''}`,
    set: (host, behaviour) => {
      config.hosts[host] = behaviour;
      return save();
    },
    setDefault: (behaviour) => {
      config.default = behaviour;
      return save();
    },
    calls: async () =>
      (await fs.readFile(callsFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
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
