import { z } from 'zod';
import type { Logger } from '../../logging.ts';
import { createJsonClient, type Failure, looseNumber, type Result, type ServiceInfo } from '../http.ts';

export const BESZEL_SERVICE: ServiceInfo = {
  name: 'Beszel',
  credentialSettings: 'BESZEL_EMAIL and BESZEL_PASSWORD',
};
export const BESZEL_SETTINGS = ['BESZEL_URL', 'BESZEL_EMAIL', 'BESZEL_PASSWORD'] as const;

/** Records are fetched in pages of this size; the loop follows `totalPages`. */
export const BESZEL_PAGE_SIZE = 200;
/** A guard against a hub that keeps reporting more pages. */
const MAX_PAGES = 50;

const authSchema = z.looseObject({ token: z.string().min(1) });

/** New agents send only the short keys; older ones also sent `h`, `k`, `c`, `m`, `os` and `l1`/`l5`/`l15`. */
const systemInfoSchema = z.looseObject({
  u: looseNumber.optional(),
  cpu: looseNumber.optional(),
  mp: looseNumber.optional(),
  dp: looseNumber.optional(),
  la: z.array(looseNumber).optional(),
  l1: looseNumber.optional(),
  l5: looseNumber.optional(),
  l15: looseNumber.optional(),
  dt: looseNumber.optional(),
  v: z.string().optional(),
});

export const beszelSystemSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  host: z.string().optional(),
  info: z.preprocess((value) => (typeof value === 'object' && value !== null ? value : {}), systemInfoSchema),
});
export type BeszelSystem = z.infer<typeof beszelSystemSchema>;

export const beszelAlertSchema = z.looseObject({
  id: z.string(),
  system: z.string(),
  name: z.string(),
  value: looseNumber.optional(),
  triggered: z.boolean().optional(),
});
export type BeszelAlert = z.infer<typeof beszelAlertSchema>;

const pageSchema = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    page: looseNumber,
    totalPages: looseNumber,
    items: z.array(item),
  });

export interface BeszelData {
  systems: BeszelSystem[];
  alerts: Result<BeszelAlert[]>;
}

/**
 * Logs in to the hub (PocketBase) and reads every system and alert, page by page. Login or system
 * failures fail the whole answer; alerts failing still leaves the systems to show.
 */
export async function fetchBeszel(options: {
  settings: { url: string; email: string; password: string };
  timeoutMs: number;
  secrets: string[];
  logger?: Logger;
}): Promise<Result<BeszelData>> {
  const http = createJsonClient({
    service: BESZEL_SERVICE,
    baseUrl: options.settings.url,
    timeoutMs: options.timeoutMs,
    secrets: options.secrets,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    const login = await http.request({
      method: 'POST',
      path: '/api/collections/users/auth-with-password',
      body: { identity: options.settings.email, password: options.settings.password },
      schema: authSchema,
    });
    if (!login.ok) {
      // PocketBase answers a wrong e-mail or password with 400 "Failed to authenticate."
      if (login.failure.status === 400) return { ok: false, failure: wrongCredentials() };
      return login;
    }
    const authorization = { authorization: login.value.token };

    async function list<T>(collection: string, item: z.ZodType<T>): Promise<Result<T[]>> {
      const items: T[] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const result = await http.request({
          path: `/api/collections/${collection}/records?page=${page}&perPage=${BESZEL_PAGE_SIZE}`,
          schema: pageSchema(item),
          headers: authorization,
        });
        if (!result.ok) return result;
        items.push(...(result.value.items as T[]));
        if (page >= result.value.totalPages || result.value.items.length === 0) break;
      }
      return { ok: true, value: items };
    }

    const [systems, alerts] = await Promise.all([
      list('systems', beszelSystemSchema),
      list('alerts', beszelAlertSchema),
    ]);
    if (!systems.ok) return systems;
    return { ok: true, value: { systems: systems.value, alerts } };
  } finally {
    await http.close();
  }
}

function wrongCredentials(): Failure {
  return {
    kind: 'credentials',
    status: 400,
    problem: `Beszel says the credentials are wrong (HTTP 400): check ${BESZEL_SERVICE.credentialSettings}`,
  };
}
