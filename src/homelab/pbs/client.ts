import { z } from 'zod';
import type { ProxmoxSettings } from '../../config/settings.ts';
import type { Logger } from '../../logging.ts';
import { createJsonClient, type JsonClient, looseNumber, type Result, type ServiceInfo } from '../http.ts';

export const PBS_SERVICE: ServiceInfo = {
  name: 'Proxmox Backup Server',
  credentialSettings: 'PBS_TOKEN_ID and PBS_TOKEN_SECRET',
  fingerprintSetting: 'PBS_FINGERPRINT',
};
export const PBS_SETTINGS = ['PBS_URL', 'PBS_TOKEN_ID', 'PBS_TOKEN_SECRET'] as const;

export const pbsNodeStatusSchema = z.looseObject({
  uptime: looseNumber,
  cpu: looseNumber.optional(),
  wait: looseNumber.optional(),
  loadavg: z.array(looseNumber).optional(),
  memory: z.looseObject({ total: looseNumber, used: looseNumber, free: looseNumber.optional() }).optional(),
  root: z.looseObject({ total: looseNumber, used: looseNumber, avail: looseNumber.optional() }).optional(),
  info: z.looseObject({ fingerprint: z.string().optional() }).optional(),
});
export type PbsNodeStatus = z.infer<typeof pbsNodeStatusSchema>;

export const datastoreUsageSchema = z.looseObject({
  store: z.string(),
  total: looseNumber.optional(),
  used: looseNumber.optional(),
  avail: looseNumber.optional(),
  'estimated-full-date': looseNumber.optional(),
  error: z.string().optional(),
});
export type DatastoreUsage = z.infer<typeof datastoreUsageSchema>;

export const snapshotSchema = z.looseObject({
  'backup-type': z.string(),
  'backup-id': z.string(),
  'backup-time': looseNumber,
  size: looseNumber.optional(),
  verification: z.looseObject({ state: z.string(), upid: z.string().optional() }).nullish(),
  protected: z.boolean().optional(),
  owner: z.string().optional(),
  comment: z.string().optional(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const pbsTaskSchema = z.looseObject({
  upid: z.string(),
  worker_type: z.string(),
  worker_id: z.string().nullish(),
  starttime: looseNumber,
  endtime: looseNumber.optional(),
  status: z.string().optional(),
});
export type PbsTask = z.infer<typeof pbsTaskSchema>;

const envelope = <T extends z.ZodType>(schema: T) =>
  z.looseObject({ data: schema }).transform((body) => body.data as z.infer<T>);

export interface PbsClient {
  nodeStatus(): Promise<Result<PbsNodeStatus>>;
  datastoreUsage(): Promise<Result<DatastoreUsage[]>>;
  snapshots(store: string): Promise<Result<Snapshot[]>>;
  /** Newest first. `typefilter` matches task types containing it, as PBS does. */
  tasks(query: { typefilter?: string; since?: number; limit?: number }): Promise<Result<PbsTask[]>>;
  close(): Promise<void>;
}

export interface ProxmoxClientOptions {
  settings: ProxmoxSettings;
  timeoutMs: number;
  secrets: string[];
  logger?: Logger;
}

export function createPbsClient({ settings, timeoutMs, secrets, logger }: ProxmoxClientOptions): PbsClient {
  const http: JsonClient = createJsonClient({
    service: PBS_SERVICE,
    baseUrl: `${settings.url}/api2/json`,
    timeoutMs,
    headers: { authorization: `PBSAPIToken=${settings.tokenId}:${settings.tokenSecret}` },
    ...(settings.fingerprint ? { fingerprint: settings.fingerprint } : {}),
    secrets,
    ...(logger ? { logger } : {}),
  });
  return {
    nodeStatus: () =>
      http.request({ path: '/nodes/localhost/status', schema: envelope(pbsNodeStatusSchema) }),
    datastoreUsage: () =>
      http.request({ path: '/status/datastore-usage', schema: envelope(z.array(datastoreUsageSchema)) }),
    snapshots: (store) =>
      http.request({
        path: `/admin/datastore/${encodeURIComponent(store)}/snapshots`,
        schema: envelope(z.array(snapshotSchema)),
      }),
    tasks: (query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) params.set(key, String(value));
      return http.request({
        path: `/nodes/localhost/tasks?${params}`,
        schema: envelope(z.array(pbsTaskSchema)),
      });
    },
    close: () => http.close(),
  };
}
