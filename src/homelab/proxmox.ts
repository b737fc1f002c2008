import { z } from 'zod';
import type { ProxmoxSettings } from '../config/homelab.ts';
import type { Logger } from '../logging.ts';
import { createJsonClient, type Result, type ServiceInfo } from './http.ts';

export interface ProxmoxClientOptions {
  settings: ProxmoxSettings;
  timeoutMs: number;
  secrets: string[];
  logger?: Logger;
}

export type ProxmoxQuery = Record<string, string | number | undefined>;

/** The part PVE and PBS share: `/api2/json` under the URL, an API-token header, answers wrapped in `{data}`. */
export interface ProxmoxApi {
  /** GETs `path` (below `/api2/json`) and unwraps `data`; with a query, its defined entries follow `?`. */
  get<T>(path: string, schema: z.ZodType<T>, query?: ProxmoxQuery): Promise<Result<T>>;
  close(): Promise<void>;
}

export function createProxmoxApi(
  service: ServiceInfo,
  /** The whole `Authorization` header value: PVE and PBS spell their API tokens differently. */
  authorization: string,
  { settings, timeoutMs, secrets, logger }: ProxmoxClientOptions,
): ProxmoxApi {
  const http = createJsonClient({
    service,
    baseUrl: `${settings.url}/api2/json`,
    timeoutMs,
    headers: { authorization },
    ...(settings.fingerprint ? { fingerprint: settings.fingerprint } : {}),
    secrets,
    ...(logger ? { logger } : {}),
  });
  return {
    get<T>(path: string, schema: z.ZodType<T>, query?: ProxmoxQuery) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {}))
        if (value !== undefined) params.set(key, String(value));
      return http.request({
        path: query ? `${path}?${params}` : path,
        schema: z.looseObject({ data: schema }).transform((body) => body.data as T),
      });
    },
    close: () => http.close(),
  };
}
