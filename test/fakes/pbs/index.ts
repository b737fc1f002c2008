import { type FakeProxmox, listTasks, startFakeProxmox } from '../homelab/proxmox.ts';
import { type FakeResponse, json, text } from '../homelab/server.ts';

const GiB = 2 ** 30;
const TiB = 2 ** 40;

export type PbsSnapshot = {
  'backup-type': 'vm' | 'ct' | 'host';
  'backup-id': string;
  'backup-time': number;
  size?: number;
  verification?: { state: 'ok' | 'failed'; upid: string };
  protected?: boolean;
  owner?: string;
  comment?: string;
  [key: string]: unknown;
};

export type PbsTask = {
  upid: string;
  worker_type: string;
  worker_id?: string;
  starttime: number;
  endtime?: number;
  status?: string;
  [key: string]: unknown;
};

export interface PbsData {
  nodeStatus: Record<string, unknown>;
  /** `/status/datastore-usage` entries. */
  datastores: Record<string, unknown>[];
  /** Per store; a store missing here answers like a datastore that cannot be opened. */
  snapshots: Record<string, PbsSnapshot[]>;
  tasks: PbsTask[];
}

export function pbsUpid(workerType: string, workerId: string, starttime: number): string {
  const hex = (value: number, width: number) => value.toString(16).toUpperCase().padStart(width, '0');
  return `UPID:pbs:${hex(4242, 8)}:${hex(starttime & 0xffff, 8)}:${hex(1, 8)}:${hex(starttime, 8)}:${workerType}:${workerId.replace(/\//g, '\\x2f')}:root@pam:`;
}

export function pbsTask(
  workerType: string,
  workerId: string,
  starttime: number,
  end?: { after: number; status: string },
): PbsTask {
  return {
    upid: pbsUpid(workerType, workerId, starttime),
    node: 'localhost',
    pid: 4242,
    pstart: 123456,
    starttime,
    worker_type: workerType,
    worker_id: workerId,
    user: 'root@pam',
    ...(end ? { endtime: starttime + end.after, status: end.status } : {}),
  };
}

/**
 * A small real-looking PBS: store `main` with three guests (vm/100 fine, vm/101 failed verification,
 * ct/200 stale), store `offsite` whose disk is gone, and GC, verify and backup tasks.
 */
export function defaultPbsData(now: Date): PbsData {
  const t = Math.floor(now.getTime() / 1000);
  const hours = (h: number) => t - h * 3600;
  const snapshot = (
    type: PbsSnapshot['backup-type'],
    id: string,
    time: number,
    extra: Partial<PbsSnapshot>,
  ) => ({
    'backup-type': type,
    'backup-id': id,
    'backup-time': time,
    files: [{ filename: 'index.json.blob', size: 500, 'crypt-mode': 'none' }],
    owner: 'backup@pbs!pve',
    protected: false,
    ...extra,
  });
  return {
    nodeStatus: {
      uptime: 40 * 86_400 + 2 * 3600,
      cpu: 0.031,
      wait: 0.002,
      loadavg: [0.12, 0.2, 0.18],
      memory: { total: 16 * GiB, used: 3.1 * GiB, free: 12.9 * GiB },
      swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
      root: { total: 50 * GiB, used: 12 * GiB, avail: 38 * GiB },
      info: { fingerprint: 'set by startFakePbs' },
      kversion: 'Linux 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4',
      cpuinfo: { model: 'Intel(R) Celeron(R) N5105 @ 2.00GHz', cpus: 4, sockets: 1 },
      'boot-info': { mode: 'efi', secureboot: false },
    },
    datastores: [
      {
        store: 'main',
        total: 4 * TiB,
        used: 1.5 * TiB,
        avail: 2.5 * TiB,
        'estimated-full-date': t + 200 * 86_400,
        'history-start': t - 30 * 86_400,
        'history-delta': 86_400,
        'gc-status': { 'disk-bytes': 1.5 * TiB, 'index-data-bytes': 9 * TiB },
      },
      {
        store: 'offsite',
        error: 'unable to open chunk store at "/mnt/usb/.chunks" - No such file or directory',
      },
    ],
    snapshots: {
      main: [
        snapshot('vm', '100', hours(27), {
          size: 12 * GiB,
          comment: 'web',
          verification: { state: 'ok', upid: 'UPID:x' },
        }),
        snapshot('vm', '100', hours(3), {
          size: 12.4 * GiB,
          comment: 'web',
          verification: { state: 'ok', upid: 'UPID:y' },
        }),
        snapshot('vm', '101', hours(2), {
          size: 32 * GiB,
          comment: 'db',
          verification: { state: 'failed', upid: 'UPID:z' },
        }),
        snapshot('ct', '200', hours(30), { size: 1.1 * GiB, comment: 'dns' }),
      ],
    },
    tasks: [
      pbsTask('garbage_collection', 'main', hours(5), { after: 600, status: 'OK' }),
      pbsTask('verificationjob', 'main:v-3f2a1b', hours(4), { after: 900, status: 'OK' }),
      pbsTask('backup', 'main:vm/100', hours(3), { after: 300, status: 'OK' }),
      pbsTask('backup', 'main:vm/101', hours(6), {
        after: 60,
        status: 'backup failed: connection error: Connection reset by peer',
      }),
      pbsTask('backup', 'main:vm/101', hours(2), { after: 400, status: 'WARNINGS: 1' }),
      pbsTask('prune', 'main', hours(1)),
    ],
  };
}

export interface FakePbs extends FakeProxmox {
  data: PbsData;
}

/** PBS's task filters: `typefilter` matching types that contain it, `until`, errors not counting warnings. */
function listPbsTasks(tasks: PbsTask[], query: URLSearchParams): FakeResponse {
  const typefilter = query.get('typefilter');
  const until = query.get('until');
  return listTasks(
    tasks,
    query,
    (task, errorsOnly) =>
      (!typefilter || task.worker_type.includes(typefilter)) &&
      (!until || task.starttime <= Number(until)) &&
      (!errorsOnly ||
        (task.status !== undefined && task.status !== 'OK' && !task.status.startsWith('WARNINGS'))),
  );
}

/**
 * A Proxmox Backup Server over HTTPS with a self-signed certificate made for it. It checks the
 * `Authorization: PBSAPIToken=USER@REALM!TOKENID:SECRET` header exactly, wraps answers in `{data}`,
 * and answers errors in plain text, as PBS does.
 */
export async function startFakePbs(
  options: { tokenId?: string; tokenSecret?: string; data?: PbsData; now?: Date } = {},
): Promise<FakePbs> {
  const tokenId = options.tokenId ?? 'monitor@pbs!telegram';
  const tokenSecret = options.tokenSecret ?? 'd0c5e1f2-pbs-secret-7a8b';
  const data = options.data ?? defaultPbsData(options.now ?? new Date());
  const notFound = (path: string) => `Path '${path}' not found.`;

  const server = await startFakeProxmox({
    settingsPrefix: 'PBS',
    tokenId,
    tokenSecret,
    authorization: `PBSAPIToken=${tokenId}:${tokenSecret}`,
    unauthorized: 'authentication failed - invalid API token or secret',
    outsideApi: notFound,
    malformedBody: '{"data": [{"store": "main", "total": ',
    route: (route, request) => {
      if (route === '/nodes/localhost/status') return json(200, { data: data.nodeStatus });
      if (route === '/status/datastore-usage') return json(200, { data: data.datastores });
      if (route === '/nodes/localhost/tasks') return listPbsTasks(data.tasks, request.query);
      const snapshots = /^\/admin\/datastore\/([^/]+)\/snapshots$/.exec(route);
      if (snapshots?.[1]) {
        const store = decodeURIComponent(snapshots[1]);
        const known = data.datastores.some((entry) => entry.store === store);
        if (!known) return text(400, `no such datastore '${store}'`);
        const list = data.snapshots[store];
        if (!list) return text(500, `unable to open chunk store '${store}' - No such file or directory`);
        return json(200, { data: list });
      }
      return text(404, notFound(request.path));
    },
  });
  data.nodeStatus.info = { fingerprint: server.fingerprintWithColons };
  return { ...server, data };
}
