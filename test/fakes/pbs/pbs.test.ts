import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../homelab/request.ts';
import { type FakePbs, pbsTask, startFakePbs } from './index.ts';

describe('fake Proxmox Backup Server', () => {
  let pbs: FakePbs;
  let auth: Record<string, string>;
  beforeAll(async () => {
    pbs = await startFakePbs();
    auth = { authorization: `PBSAPIToken=${pbs.tokenId}:${pbs.tokenSecret}` };
  });
  afterAll(() => pbs.close());

  it('serves HTTPS with a self-signed certificate whose fingerprint it exposes', async () => {
    expect(pbs.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(pbs.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(pbs.fingerprintWithColons.replace(/:/g, '').toLowerCase()).toBe(pbs.fingerprint);
  });

  it('answers with a {data} body when the token header is exactly right', async () => {
    const response = await rawRequest(`${pbs.url}/api2/json/status/datastore-usage`, { headers: auth });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).data.map((store: { store: string }) => store.store)).toEqual([
      'main',
      'offsite',
    ]);
  });

  it.each([
    ['no header', undefined],
    ['a wrong secret', 'PBSAPIToken=monitor@pbs!telegram:wrong'],
    ["PVE's '=' separator", `PBSAPIToken=monitor@pbs!telegram=d0c5e1f2-pbs-secret-7a8b`],
  ])('refuses %s with 401 and a plain-text body', async (_, header) => {
    const response = await rawRequest(`${pbs.url}/api2/json/nodes/localhost/status`, {
      headers: header ? { authorization: header } : {},
    });
    expect(response.status).toBe(401);
    expect(() => JSON.parse(response.text)).toThrow();
  });

  it('answers 404 for an unknown path and 400 for an unknown datastore', async () => {
    expect((await rawRequest(`${pbs.url}/api2/json/nope`, { headers: auth })).status).toBe(404);
    expect(
      (await rawRequest(`${pbs.url}/api2/json/admin/datastore/nope/snapshots`, { headers: auth })).status,
    ).toBe(400);
  });

  it('filters tasks by type, age and limit, newest first, with a total', async () => {
    const now = Math.floor(Date.now() / 1000);
    pbs.data.tasks.push(pbsTask('garbage_collection', 'main', now - 60, { after: 10, status: 'OK' }));
    const response = await rawRequest(
      `${pbs.url}/api2/json/nodes/localhost/tasks?typefilter=garbage&since=${now - 7200}&limit=1`,
      { headers: auth },
    );
    const body = JSON.parse(response.text);
    expect(body.total).toBe(1);
    expect(body.data).toHaveLength(1);
    expect(body.data[0].worker_type).toBe('garbage_collection');
    expect(body.data[0].starttime).toBe(now - 60);
  });

  it('injects faults: a 500, a malformed body, and a slow answer', async () => {
    const url = `${pbs.url}/api2/json/nodes/localhost/status`;
    pbs.inject({ kind: 'status', status: 500, body: 'internal error' }, '/api2/json/nodes');
    expect((await rawRequest(url, { headers: auth })).status).toBe(500);
    pbs.clearFaults();
    pbs.inject({ kind: 'malformed' });
    const malformed = await rawRequest(url, { headers: auth });
    expect(() => JSON.parse(malformed.text)).toThrow();
    pbs.clearFaults();
    pbs.inject({ kind: 'slow', delayMs: 10_000 });
    await expect(rawRequest(url, { headers: auth, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    pbs.clearFaults();
  });
});
