import { type FakeProxmox, listTasks, startFakeProxmox } from '../homelab/proxmox.ts';
import { type FakeRequest, type FakeResponse, json, text } from '../homelab/server.ts';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

export type PveTask = {
  upid: string;
  type: string;
  id: string;
  node: string;
  starttime: number;
  endtime?: number;
  status?: string;
  [key: string]: unknown;
};

export interface PveNodeData {
  /** The `/nodes` entry. */
  summary: Record<string, unknown> & { node: string; status: string };
  status: Record<string, unknown>;
  qemu: Record<string, unknown>[];
  lxc: Record<string, unknown>[];
  tasks: PveTask[];
}

export interface PveData {
  nodes: PveNodeData[];
}

export function pveTask(
  node: string,
  type: string,
  id: string,
  starttime: number,
  end?: { after: number; status: string },
): PveTask {
  const hex = (value: number, width: number) => value.toString(16).toUpperCase().padStart(width, '0');
  return {
    upid: `UPID:${node}:${hex(31337, 8)}:${hex(starttime & 0xffff, 8)}:${hex(starttime, 8)}:${type}:${id}:root@pam:`,
    node,
    pid: 31337,
    pstart: 987654,
    starttime,
    type,
    id,
    user: 'root@pam',
    ...(end ? { endtime: starttime + end.after, status: end.status } : {}),
  };
}

/** Node `pve1` (online: VMs web, db, a stopped one and a template; container dns) and an offline `pve2`. */
export function defaultPveData(now: Date): PveData {
  const t = Math.floor(now.getTime() / 1000);
  const guest = (
    vmid: number | string,
    name: string,
    status: string,
    extra: Record<string, unknown> = {},
  ) => ({
    vmid,
    name,
    status,
    cpu: 0,
    cpus: 2,
    mem: 0,
    maxmem: 4 * GiB,
    disk: 0,
    maxdisk: 32 * GiB,
    netin: 0,
    netout: 0,
    uptime: 0,
    ...extra,
  });
  return {
    nodes: [
      {
        summary: {
          node: 'pve1',
          status: 'online',
          type: 'node',
          id: 'node/pve1',
          cpu: 0.071,
          maxcpu: 8,
          mem: 12 * GiB,
          maxmem: 64 * GiB,
          uptime: 12 * 86_400 + 4 * 3600,
          level: '',
          ssl_fingerprint: 'AA:BB',
        },
        status: {
          uptime: 12 * 86_400 + 4 * 3600,
          cpu: 0.071,
          loadavg: ['0.52', '0.48', '0.40'],
          memory: { total: 64 * GiB, used: 12 * GiB, free: 52 * GiB },
          rootfs: { total: 100 * GiB, used: 20 * GiB, avail: 80 * GiB, free: 80 * GiB },
          pveversion: 'pve-manager/8.3.1/fb48e850ef9dde27',
        },
        qemu: [
          guest(100, 'web', 'running', { cpu: 0.031, mem: 1.9 * GiB, uptime: 86_400, pid: 1201 }),
          guest(101, 'db', 'running', {
            cpu: 0.254,
            cpus: 4,
            mem: 6.2 * GiB,
            maxmem: 8 * GiB,
            uptime: 86_400,
            pid: 1202,
          }),
          guest(102, 'old-win', 'stopped', { maxmem: 8 * GiB }),
          guest(9000, 'debian-template', 'stopped', { template: 1 }),
        ],
        lxc: [
          // PVE lists container ids as strings.
          guest('200', 'dns', 'running', {
            type: 'lxc',
            cpu: 0.002,
            cpus: 1,
            mem: 120 * MiB,
            maxmem: 512 * MiB,
            uptime: 3600,
          }),
        ],
        tasks: [
          pveTask('pve1', 'vzdump', '100', t - 3 * 3600, { after: 300, status: 'OK' }),
          pveTask('pve1', 'vzdump', '101', t - 6 * 3600, { after: 60, status: 'job errors' }),
          pveTask('pve1', 'vzdump', '101', t - 50 * 3600, { after: 60, status: 'job errors' }),
          pveTask('pve1', 'qmstart', '100', t - 24 * 3600, { after: 5, status: 'OK' }),
        ],
      },
      {
        summary: { node: 'pve2', status: 'offline', type: 'node', id: 'node/pve2' },
        status: {},
        qemu: [],
        lxc: [],
        tasks: [],
      },
    ],
  };
}

export interface FakePve extends FakeProxmox {
  data: PveData;
}

/** PVE's task filters: `typefilter` is an exact type; errors are every status but OK. */
function listPveTasks(tasks: PveTask[], query: URLSearchParams): FakeResponse {
  const typefilter = query.get('typefilter');
  return listTasks(
    tasks,
    query,
    (task, errorsOnly) =>
      (!typefilter || task.type === typefilter) &&
      (!errorsOnly || (task.status !== undefined && task.status !== 'OK')),
  );
}

function nodeRoute(data: PveData, route: string, request: FakeRequest): FakeResponse {
  if (route === '/nodes') return json(200, { data: data.nodes.map((node) => node.summary) });
  const match = /^\/nodes\/([^/]+)\/(status|qemu|lxc|tasks)$/.exec(route);
  if (!match?.[1] || !match[2]) return text(501, `Method 'GET ${request.path}' not implemented`);
  const name = decodeURIComponent(match[1]);
  const node = data.nodes.find((entry) => entry.summary.node === name);
  if (!node)
    return text(
      500,
      `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`,
    );
  if (node.summary.status !== 'online') return text(595, `no route to host`);
  switch (match[2]) {
    case 'status':
      return json(200, { data: node.status });
    case 'qemu':
      return json(200, { data: node.qemu });
    case 'lxc':
      return json(200, { data: node.lxc });
    default:
      return listPveTasks(node.tasks, request.query);
  }
}

/**
 * A Proxmox VE API over HTTPS with a self-signed certificate made for it, checking
 * `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET` exactly; offline nodes answer 595.
 */
export async function startFakePve(
  options: { tokenId?: string; tokenSecret?: string; data?: PveData; now?: Date } = {},
): Promise<FakePve> {
  const tokenId = options.tokenId ?? 'monitor@pve!telegram';
  const tokenSecret = options.tokenSecret ?? '5e6f7a8b-pve-secret-1c2d';
  const data = options.data ?? defaultPveData(options.now ?? new Date());
  const server = await startFakeProxmox({
    settingsPrefix: 'PVE',
    tokenId,
    tokenSecret,
    authorization: `PVEAPIToken=${tokenId}=${tokenSecret}`,
    unauthorized: 'authentication failure',
    outsideApi: () => 'Not Found',
    malformedBody: '<html>502 Bad Gateway</html>',
    route: (route, request) => nodeRoute(data, route, request),
  });
  return { ...server, data };
}
