import { makeSelfSignedCertificate } from './certificate.ts';
import {
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  json,
  startFakeServer,
  text,
} from './server.ts';

export interface FakeProxmox extends FakeServer {
  tokenId: string;
  tokenSecret: string;
  /** Lower-case hex SHA-256 of the fake's self-signed certificate. */
  fingerprint: string;
  fingerprintWithColons: string;
  /** `<PREFIX>_URL`, `_TOKEN_ID`, `_TOKEN_SECRET` and `_FINGERPRINT` pointing at this fake. */
  env: Record<string, string>;
}

/** How one Proxmox product differs from the other at the edges of its API. */
export interface ProxmoxFakeService {
  /** `PBS` or `PVE`: the prefix of the settings in `env`. */
  settingsPrefix: string;
  tokenId: string;
  tokenSecret: string;
  /** The exact `Authorization` header the service accepts. */
  authorization: string;
  /** The plain-text body of the 401 for any other header. */
  unauthorized: string;
  /** The plain-text body of the 404 for a path outside `/api2/json/`. */
  outsideApi: (path: string) => string;
  /** What the `malformed` fault sends. */
  malformedBody: string;
  /** Answers an authorised GET; `route` is the path below `/api2/json`. */
  route: (route: string, request: FakeRequest) => FakeResponse;
}

/**
 * A Proxmox API over HTTPS with a self-signed certificate made for it: the token header checked
 * exactly, only GETs below `/api2/json/`, errors in plain text as Proxmox sends them.
 */
export async function startFakeProxmox(service: ProxmoxFakeService): Promise<FakeProxmox> {
  const certificate = await makeSelfSignedCertificate();
  const handle = (request: FakeRequest): FakeResponse => {
    if (request.headers.authorization !== service.authorization) return text(401, service.unauthorized);
    if (!request.path.startsWith('/api2/json/')) return text(404, service.outsideApi(request.path));
    if (request.method !== 'GET')
      return text(501, `Method '${request.method} ${request.path}' not implemented`);
    return service.route(request.path.slice('/api2/json'.length), request);
  };
  const server = await startFakeServer(handle, { tls: certificate, malformedBody: service.malformedBody });
  const { settingsPrefix: prefix, tokenId, tokenSecret } = service;
  return {
    ...server,
    tokenId,
    tokenSecret,
    fingerprint: certificate.fingerprint,
    fingerprintWithColons: certificate.fingerprintWithColons,
    env: {
      [`${prefix}_URL`]: server.url,
      [`${prefix}_TOKEN_ID`]: tokenId,
      [`${prefix}_TOKEN_SECRET`]: tokenSecret,
      [`${prefix}_FINGERPRINT`]: certificate.fingerprintWithColons,
    },
  };
}

/**
 * A task list as Proxmox pages it: `since`, newest first, `start`/`limit`, `{data,total}`. `keep`
 * is the product's own filtering; `errorsOnly` is the `errors` parameter, `1` or `true`.
 */
export function listTasks<T extends { starttime: number }>(
  tasks: T[],
  query: URLSearchParams,
  keep: (task: T, errorsOnly: boolean) => boolean,
): FakeResponse {
  const since = query.get('since');
  const errorsOnly = query.get('errors') === 'true' || query.get('errors') === '1';
  const start = Number(query.get('start') ?? 0);
  const limit = Number(query.get('limit') ?? 50);
  const matching = tasks
    .filter((task) => keep(task, errorsOnly))
    .filter((task) => !since || task.starttime >= Number(since))
    .sort((a, b) => b.starttime - a.starttime);
  return json(200, { data: matching.slice(start, start + limit), total: matching.length });
}
