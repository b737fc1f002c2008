import { randomBytes } from 'node:crypto';
import {
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  json,
  startFakeServer,
} from '../homelab/server.ts';

export type BeszelRecord = Record<string, unknown> & { id: string };

export interface BeszelData {
  users: { id: string; email: string; password: string }[];
  systems: BeszelRecord[];
  alerts: BeszelRecord[];
}

const recordId = (seed: string) => seed.padEnd(15, '0').slice(0, 15);

/**
 * Systems as a current hub stores them: new agents report only the short `info` keys
 * (`u`, `cpu`, `mp`, `dp`, `la`, `dt`, `v`, …), none of the deprecated `h`, `k`, `c`, `m`, `os`.
 */
export function defaultBeszelData(): BeszelData {
  const user = { id: recordId('owneruser'), email: 'owner@example.com', password: 'beszel-password-1' };
  const system = (name: string, status: string, info: Record<string, unknown>, host: string) => ({
    collectionId: '2hz5ncl8tizk5nx',
    collectionName: 'systems',
    id: recordId(`sys${name}`),
    name,
    status,
    host,
    port: '45876',
    info,
    users: [user.id],
    created: '2025-01-10 08:00:00.000Z',
    updated: '2025-06-01 08:00:00.000Z',
  });
  const systems: BeszelRecord[] = [
    system(
      'nas',
      'up',
      {
        u: 1_040_000,
        cpu: 12.4,
        mp: 45.2,
        dp: 71.3,
        la: [0.52, 0.48, 0.4],
        dt: 48.5,
        t: 8,
        b: 0.4,
        v: '0.12.3',
      },
      '10.0.0.2',
    ),
    system('pi', 'down', { u: 200, cpu: 3, mp: 20, dp: 30, la: [0, 0, 0], v: '0.12.3' }, '10.0.0.7'),
    system('backup-box', 'paused', { u: 10, cpu: 1, mp: 10, dp: 10, v: '0.11.1' }, '10.0.0.8'),
    system('new-box', 'pending', {}, '10.0.0.9'),
  ];
  const alert = (system: BeszelRecord, name: string, value: number, triggered: boolean) => ({
    collectionId: 'elngm8x1l60zi2v',
    collectionName: 'alerts',
    id: recordId(`al${system.name}${name}`),
    user: user.id,
    system: system.id,
    name,
    value,
    min: 10,
    triggered,
  });
  const [nas, pi] = systems as [BeszelRecord, BeszelRecord, ...BeszelRecord[]];
  return {
    users: [user],
    systems,
    alerts: [alert(nas, 'Disk', 70, true), alert(nas, 'CPU', 80, false), alert(pi, 'Status', 0, true)],
  };
}

export interface FakeBeszel extends FakeServer {
  data: BeszelData;
  /** PocketBase's largest page; lower it to make a test page through a few records. */
  maxPerPage: number;
  /** BESZEL_URL, BESZEL_EMAIL, BESZEL_PASSWORD pointing at this fake. */
  env: Record<string, string>;
}

const pocketbaseError = (status: number, message: string, data: Record<string, unknown> = {}) =>
  json(status, { status, message, data });

/**
 * A Beszel hub as PocketBase serves it: password login handing out a token, record lists paged by
 * `page`/`perPage` showing only the records of the token's user (a guest sees none, as the
 * collections' rules say), and PocketBase's `{"status","message","data"}` errors.
 */
export async function startFakeBeszel(options: { data?: BeszelData } = {}): Promise<FakeBeszel> {
  const data = options.data ?? defaultBeszelData();
  const tokens = new Map<string, string>();
  const settings = { maxPerPage: 1000 };

  const login = (request: FakeRequest): FakeResponse => {
    let body: { identity?: unknown; password?: unknown };
    try {
      body = JSON.parse(request.body || '{}');
    } catch {
      return pocketbaseError(400, 'Failed to load the submitted data due to invalid formatting.');
    }
    const missing: Record<string, unknown> = {};
    for (const field of ['identity', 'password'] as const) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        missing[field] = { code: 'validation_required', message: 'Missing required value.' };
      }
    }
    if (Object.keys(missing).length > 0) {
      return pocketbaseError(400, 'An error occurred while validating the submitted data.', missing);
    }
    const user = data.users.find(
      (entry) => entry.email === body.identity && entry.password === body.password,
    );
    if (!user) return pocketbaseError(400, 'Failed to authenticate.');
    const token = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}`;
    tokens.set(token, user.id);
    return json(200, {
      token,
      record: { collectionName: 'users', id: user.id, email: user.email, verified: true, role: 'admin' },
    });
  };

  const list = (request: FakeRequest, records: BeszelRecord[]): FakeResponse => {
    const raw = request.headers.authorization ?? '';
    const userId = tokens.get(raw.replace(/^Bearer\s+/i, ''));
    const visible = userId
      ? records.filter((record) => {
          const owners = record.users ?? record.user;
          return Array.isArray(owners) ? owners.includes(userId) : owners === userId;
        })
      : [];
    const page = Math.max(1, Number.parseInt(request.query.get('page') ?? '1', 10) || 1);
    const perPage = Math.min(
      settings.maxPerPage,
      Math.max(1, Number.parseInt(request.query.get('perPage') ?? '30', 10) || 30),
    );
    return json(200, {
      page,
      perPage,
      totalItems: visible.length,
      totalPages: Math.ceil(visible.length / perPage),
      items: visible.slice((page - 1) * perPage, page * perPage),
    });
  };

  const handle = (request: FakeRequest): FakeResponse => {
    if (request.method === 'POST' && request.path === '/api/collections/users/auth-with-password') {
      return login(request);
    }
    const records = /^\/api\/collections\/([^/]+)\/records$/.exec(request.path);
    if (records?.[1] && request.method === 'GET') {
      if (records[1] === 'systems') return list(request, data.systems);
      if (records[1] === 'alerts') return list(request, data.alerts);
      return pocketbaseError(404, 'Missing collection context.');
    }
    return pocketbaseError(404, "The requested resource wasn't found.");
  };

  const server = await startFakeServer(handle, {
    malformedBody: '<!doctype html><html><body>Beszel</body></html>',
    malformedContentType: 'text/html',
  });
  const user = data.users[0];
  const fake: FakeBeszel = {
    ...server,
    data,
    get maxPerPage() {
      return settings.maxPerPage;
    },
    set maxPerPage(value: number) {
      settings.maxPerPage = value;
    },
    env: { BESZEL_URL: server.url, BESZEL_EMAIL: user?.email ?? '', BESZEL_PASSWORD: user?.password ?? '' },
  };
  return fake;
}
