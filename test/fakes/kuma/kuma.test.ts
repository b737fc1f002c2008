import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../homelab/request.ts';
import { defaultKumaData, type FakeKuma, renderMetrics, startFakeKuma } from './index.ts';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('fake Uptime Kuma', () => {
  let kuma: FakeKuma;
  beforeAll(async () => {
    kuma = await startFakeKuma();
  });
  afterAll(() => kuma.close());

  it('serves /metrics with an empty user and the API key as password', async () => {
    const response = await rawRequest(`${kuma.url}/metrics`, { headers: basic('', kuma.apiKey) });
    expect(response.status).toBe(200);
    expect(response.text).toContain('monitor_status{monitor_id="1",monitor_name="Nextcloud"');
  });

  it('refuses a bad key or no credentials with 401', async () => {
    expect((await rawRequest(`${kuma.url}/metrics`, { headers: basic('', 'uk1_wrong') })).status).toBe(401);
    expect((await rawRequest(`${kuma.url}/metrics`)).status).toBe(401);
  });

  it('writes both label sets, "null" labels and other metric families', () => {
    const old = renderMetrics(defaultKumaData('1.23'));
    expect(old).not.toContain('monitor_id=');
    expect(old).toContain('monitor_hostname="null"');
    expect(old).toContain('process_cpu_user_seconds_total');
    const current = renderMetrics(defaultKumaData('2.x'));
    expect(current).toContain('monitor_id="1"');
    expect(current).toContain('env="prod"');
  });
});
