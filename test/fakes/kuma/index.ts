import { type FakeRequest, type FakeResponse, type FakeServer, startFakeServer } from '../homelab/server.ts';

export interface KumaMonitor {
  id: number;
  name: string;
  type: string;
  url?: string;
  hostname?: string;
  port?: number;
  /** 1 up, 0 down, 2 pending, 3 maintenance. */
  status: 0 | 1 | 2 | 3;
  /** -1 when unknown, as Kuma reports it. */
  responseTime: number;
  certDaysRemaining?: number;
  /** 2.x adds each tag as a label. */
  tags?: Record<string, string>;
}

export interface KumaData {
  /** The label set: 1.23 (name, type, url, hostname, port) or 2.x (adds monitor_id and tags). */
  version: '1.23' | '2.x';
  monitors: KumaMonitor[];
}

export function defaultKumaData(version: KumaData['version'] = '2.x'): KumaData {
  return {
    version,
    monitors: [
      {
        id: 1,
        name: 'Nextcloud',
        type: 'http',
        url: 'https://cloud.example.com',
        status: 1,
        responseTime: 123,
        certDaysRemaining: 9,
        tags: { env: 'prod' },
      },
      { id: 2, name: 'Router', type: 'ping', hostname: '10.0.0.1', status: 0, responseTime: -1 },
      { id: 3, name: 'Jellyfin', type: 'http', url: 'http://10.0.0.5:8096', status: 2, responseTime: 1800 },
      {
        id: 4,
        name: 'Mail',
        type: 'port',
        hostname: 'mail.example.com',
        port: 993,
        status: 3,
        responseTime: 40,
      },
      {
        id: 5,
        name: 'Git',
        type: 'http',
        url: 'https://git.example.com',
        status: 1,
        responseTime: 88,
        certDaysRemaining: 60,
      },
    ],
  };
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Kuma writes missing values as the literal `null`, and a non-HTTP monitor's URL as `https://`. */
function labelsOf(monitor: KumaMonitor, version: KumaData['version']): string {
  const labels: [string, string][] = [
    ...(version === '2.x' ? [['monitor_id', String(monitor.id)] as [string, string]] : []),
    ['monitor_name', monitor.name],
    ['monitor_type', monitor.type],
    ['monitor_url', monitor.url ?? 'https://'],
    ['monitor_hostname', monitor.hostname ?? 'null'],
    ['monitor_port', monitor.port === undefined ? 'null' : String(monitor.port)],
    ...(version === '2.x' ? Object.entries(monitor.tags ?? {}) : []),
  ];
  return `{${labels.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
}

export function renderMetrics(data: KumaData): string {
  const lines = [
    '# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.',
    '# TYPE process_cpu_user_seconds_total counter',
    'process_cpu_user_seconds_total 1234.56',
    '# HELP nodejs_heap_size_total_bytes Process heap size from Node.js in bytes.',
    '# TYPE nodejs_heap_size_total_bytes gauge',
    'nodejs_heap_size_total_bytes 98765432',
    '# HELP nodejs_version_info Node.js version info.',
    '# TYPE nodejs_version_info gauge',
    'nodejs_version_info{version="v20.18.0",major="20",minor="18",patch="0"} 1',
    ...(data.version === '2.x'
      ? [
          '# HELP app_version The service version',
          '# TYPE app_version gauge',
          'app_version{version="2.0.0",major="2",minor="0",patch="0"} 1',
        ]
      : []),
  ];
  const family = (name: string, help: string, value: (monitor: KumaMonitor) => number | undefined) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const monitor of data.monitors) {
      const sample = value(monitor);
      if (sample !== undefined) lines.push(`${name}${labelsOf(monitor, data.version)} ${sample}`);
    }
  };
  family(
    'monitor_cert_days_remaining',
    'The number of days remaining until the certificate expires',
    (m) => m.certDaysRemaining,
  );
  family('monitor_cert_is_valid', 'Is the certificate still valid? (1 = Yes, 0= No)', (m) =>
    m.certDaysRemaining === undefined ? undefined : m.certDaysRemaining > 0 ? 1 : 0,
  );
  family('monitor_response_time', 'Monitor Response Time (ms)', (m) => m.responseTime);
  family('monitor_status', 'Monitor Status (1 = UP, 0= DOWN, 2= PENDING, 3= MAINTENANCE)', (m) => m.status);
  return `${lines.join('\n')}\n`;
}

export interface FakeKuma extends FakeServer {
  data: KumaData;
  apiKey: string;
  /** KUMA_URL and KUMA_API_KEY pointing at this fake. */
  env: Record<string, string>;
}

/**
 * Uptime Kuma's `/metrics` behind basic auth (any user name, the API key as password; 401 otherwise).
 * Like Kuma, any other GET path answers the web app's HTML page.
 */
export async function startFakeKuma(options: { apiKey?: string; data?: KumaData } = {}): Promise<FakeKuma> {
  const apiKey = options.apiKey ?? 'uk1_fakeKumaApiKeySecret0123';
  const data = options.data ?? defaultKumaData();

  const handle = (request: FakeRequest): FakeResponse => {
    if (request.path !== '/metrics') {
      return {
        status: 200,
        contentType: 'text/html',
        body: '<!DOCTYPE html><html><head><title>Uptime Kuma</title></head><body><div id="app"></div></body></html>',
      };
    }
    const match = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
    const password = match?.[1]
      ? Buffer.from(match[1], 'base64').toString('utf8').split(':').slice(1).join(':')
      : undefined;
    if (password !== apiKey) {
      return {
        status: 401,
        body: 'Unauthorized',
        headers: { 'www-authenticate': 'Basic realm="Uptime Kuma"' },
      };
    }
    return {
      status: 200,
      body: renderMetrics(data),
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
    };
  };

  const server = await startFakeServer(handle, {
    malformedBody: '<!DOCTYPE html><html><body><div id="app"></div></body></html>',
    malformedContentType: 'text/html',
  });
  return { ...server, data, apiKey, env: { KUMA_URL: server.url, KUMA_API_KEY: apiKey } };
}
