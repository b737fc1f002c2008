import { z } from 'zod';
import { looseNumber, type Result, type ServiceInfo } from '../http.ts';
import { createProxmoxApi, type ProxmoxClientOptions } from '../proxmox.ts';

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

export interface PbsClient {
  nodeStatus(): Promise<Result<PbsNodeStatus>>;
  datastoreUsage(): Promise<Result<DatastoreUsage[]>>;
  snapshots(store: string): Promise<Result<Snapshot[]>>;
  /** Newest first. `typefilter` matches task types containing it, as PBS does. */
  tasks(query: { typefilter?: string; since?: number; limit?: number }): Promise<Result<PbsTask[]>>;
  close(): Promise<void>;
}

export function createPbsClient(options: ProxmoxClientOptions): PbsClient {
  const { tokenId, tokenSecret } = options.settings;
  const api = createProxmoxApi(PBS_SERVICE, `PBSAPIToken=${tokenId}:${tokenSecret}`, options);
  return {
    nodeStatus: () => api.get('/nodes/localhost/status', pbsNodeStatusSchema),
    datastoreUsage: () => api.get('/status/datastore-usage', z.array(datastoreUsageSchema)),
    snapshots: (store) =>
      api.get(`/admin/datastore/${encodeURIComponent(store)}/snapshots`, z.array(snapshotSchema)),
    tasks: (query) => api.get('/nodes/localhost/tasks', z.array(pbsTaskSchema), query),
    close: () => api.close(),
  };
}
