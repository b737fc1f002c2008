import { z } from 'zod';
import type { ProxmoxSettings } from '../../config/settings.ts';
import type { Logger } from '../../logging.ts';
import { createJsonClient, looseNumber, type Result, type ServiceInfo } from '../http.ts';

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

const envelope = <T extends z.ZodType>(schema: T) =>
  z.looseObject({ data: schema }).transform((body) => body.data as z.infer<T>);

export interface PveClient {
  nodes(): Promise<Result<PveNode[]>>;
  guests(node: string, kind: 'qemu' | 'lxc'): Promise<Result<PveGuest[]>>;
  tasks(
    node: string,
    query: { typefilter?: string; since?: number; limit?: number },
  ): Promise<Result<PveTask[]>>;
  close(): Promise<void>;
}

export function createPveClient(options: {
  settings: ProxmoxSettings;
  timeoutMs: number;
  secrets: string[];
  logger?: Logger;
}): PveClient {
  const { settings } = options;
  const http = createJsonClient({
    service: PVE_SERVICE,
    baseUrl: `${settings.url}/api2/json`,
    timeoutMs: options.timeoutMs,
    headers: { authorization: `PVEAPIToken=${settings.tokenId}=${settings.tokenSecret}` },
    ...(settings.fingerprint ? { fingerprint: settings.fingerprint } : {}),
    secrets: options.secrets,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const node = (name: string) => `/nodes/${encodeURIComponent(name)}`;
  return {
    nodes: () => http.request({ path: '/nodes', schema: envelope(z.array(pveNodeSchema)) }),
    guests: (name, kind) =>
      http.request({ path: `${node(name)}/${kind}`, schema: envelope(z.array(pveGuestSchema)) }),
    tasks: (name, query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) params.set(key, String(value));
      return http.request({
        path: `${node(name)}/tasks?${params}`,
        schema: envelope(z.array(pveTaskSchema)),
      });
    },
    close: () => http.close(),
  };
}
