import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../homelab/request.ts';
import { type FakePve, startFakePve } from './index.ts';

describe('fake Proxmox VE', () => {
  let pve: FakePve;
  let auth: Record<string, string>;
  beforeAll(async () => {
    pve = await startFakePve();
    auth = { authorization: `PVEAPIToken=${pve.tokenId}=${pve.tokenSecret}` };
  });
  afterAll(() => pve.close());

  it('lists nodes, VMs and containers in {data} bodies', async () => {
    const nodes = JSON.parse((await rawRequest(`${pve.url}/api2/json/nodes`, { headers: auth })).text);
    expect(nodes.data.map((node: { node: string }) => node.node)).toEqual(['pve1', 'pve2']);
    const qemu = JSON.parse(
      (await rawRequest(`${pve.url}/api2/json/nodes/pve1/qemu`, { headers: auth })).text,
    );
    expect(qemu.data.map((vm: { name: string }) => vm.name)).toContain('web');
  });

  it("refuses PBS's ':' separator and a wrong secret with 401", async () => {
    for (const header of [
      `PVEAPIToken=${pve.tokenId}:${pve.tokenSecret}`,
      `PVEAPIToken=${pve.tokenId}=nope`,
    ]) {
      const response = await rawRequest(`${pve.url}/api2/json/nodes`, { headers: { authorization: header } });
      expect(response.status).toBe(401);
    }
  });

  it('answers 595 for an offline node, 500 for an unknown one, 501 for an unknown path', async () => {
    expect((await rawRequest(`${pve.url}/api2/json/nodes/pve2/qemu`, { headers: auth })).status).toBe(595);
    expect((await rawRequest(`${pve.url}/api2/json/nodes/ghost/qemu`, { headers: auth })).status).toBe(500);
    expect((await rawRequest(`${pve.url}/api2/json/cluster/nothing`, { headers: auth })).status).toBe(501);
  });

  it('filters tasks by exact type and start time', async () => {
    const since = Math.floor(Date.now() / 1000) - 86_400;
    const response = await rawRequest(
      `${pve.url}/api2/json/nodes/pve1/tasks?typefilter=vzdump&since=${since}`,
      {
        headers: auth,
      },
    );
    const tasks = JSON.parse(response.text).data as { type: string; starttime: number }[];
    expect(tasks.length).toBe(2);
    expect(tasks.every((task) => task.type === 'vzdump' && task.starttime >= since)).toBe(true);
  });
});
