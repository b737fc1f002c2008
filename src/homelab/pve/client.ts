import { z } from 'zod';
import { looseNumber, type Result, type ServiceInfo } from '../http.ts';
import { createProxmoxApi, type ProxmoxClientOptions } from '../proxmox.ts';

export const PVE_SERVICE: ServiceInfo = {
  name: 'Proxmox VE',
  credentialSettings: 'PVE_TOKEN_ID and PVE_TOKEN_SECRET',
  fingerprintSetting: 'PVE_FINGERPRINT',
};
export const PVE_SETTINGS = ['PVE_URL', 'PVE_TOKEN_ID', 'PVE_TOKEN_SECRET'] as const;

export const pveNodeSchema = z.looseObject({
  node: z.string(),
  status: z.string().optional(),
  cpu: looseNumber.optional(),
  maxcpu: looseNumber.optional(),
  mem: looseNumber.optional(),
  maxmem: looseNumber.optional(),
  uptime: looseNumber.optional(),
});
export type PveNode = z.infer<typeof pveNodeSchema>;

export const pveGuestSchema = z.looseObject({
  vmid: looseNumber,
  name: z.string().optional(),
  status: z.string(),
  cpu: looseNumber.optional(),
  cpus: looseNumber.optional(),
  mem: looseNumber.optional(),
  maxmem: looseNumber.optional(),
  uptime: looseNumber.optional(),
  template: z.union([z.boolean(), looseNumber]).optional(),
});
export type PveGuest = z.infer<typeof pveGuestSchema>;

export const pveTaskSchema = z.looseObject({
  upid: z.string(),
  type: z.string(),
  id: z.string().nullish(),
  node: z.string().optional(),
  starttime: looseNumber,
  endtime: looseNumber.optional(),
  status: z.string().optional(),
});
export type PveTask = z.infer<typeof pveTaskSchema>;

export interface PveClient {
  nodes(): Promise<Result<PveNode[]>>;
  guests(node: string, kind: 'qemu' | 'lxc'): Promise<Result<PveGuest[]>>;
  tasks(
    node: string,
    query: { typefilter?: string; since?: number; limit?: number },
  ): Promise<Result<PveTask[]>>;
  close(): Promise<void>;
}

export function createPveClient(options: ProxmoxClientOptions): PveClient {
  const { tokenId, tokenSecret } = options.settings;
  const api = createProxmoxApi(PVE_SERVICE, `PVEAPIToken=${tokenId}=${tokenSecret}`, options);
  const node = (name: string) => `/nodes/${encodeURIComponent(name)}`;
  return {
    nodes: () => api.get('/nodes', z.array(pveNodeSchema)),
    guests: (name, kind) => api.get(`${node(name)}/${kind}`, z.array(pveGuestSchema)),
    tasks: (name, query) => api.get(`${node(name)}/tasks`, z.array(pveTaskSchema), query),
    close: () => api.close(),
  };
}
