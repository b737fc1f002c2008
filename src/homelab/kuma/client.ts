import type { Logger } from '../../logging.ts';
import { createJsonClient, type Result, type ServiceInfo } from '../http.ts';

export const KUMA_SERVICE: ServiceInfo = { name: 'Uptime Kuma', credentialSettings: 'KUMA_API_KEY' };
export const KUMA_SETTINGS = ['KUMA_URL', 'KUMA_API_KEY'] as const;

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export type MonitorState = 'up' | 'down' | 'pending' | 'maintenance' | 'unknown';

export interface KumaMonitor {
  name: string;
  type?: string;
  target?: string;
  state: MonitorState;
  /** Milliseconds; absent when Kuma does not know it (it reports -1). */
  responseTimeMs?: number;
  certDaysRemaining?: number;
}

const SAMPLE_LINE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, character: string) => (character === 'n' ? '\n' : character));
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let position = 0;
  while (position < text.length) {
    LABEL.lastIndex = position;
    const match = LABEL.exec(text);
    if (!match?.[1]) return text.slice(position).trim() === '' ? labels : undefined;
    labels[match[1]] = unescapeLabel(match[2] ?? '');
    position = LABEL.lastIndex;
  }
  return labels;
}

function parseValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  return text !== '' && Number.isFinite(value) ? value : undefined;
}

/**
 * Prometheus text exposition → samples. Comments and lines that do not parse are skipped;
 * `undefined` when nothing parsed at all (an HTML page, say), which makes it a malformed answer.
 */
export function parsePrometheusText(text: string): PrometheusSample[] | undefined {
  const samples: PrometheusSample[] = [];
  let contentLines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    contentLines += 1;
    const match = SAMPLE_LINE.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels = match[2] === undefined ? {} : parseLabels(match[2]);
    const value = parseValue(match[3]);
    if (labels === undefined || value === undefined) continue;
    samples.push({ name: match[1], labels, value });
  }
  return samples.length === 0 && contentLines > 0 ? undefined : samples;
}

const STATES: Record<number, MonitorState> = { 0: 'down', 1: 'up', 2: 'pending', 3: 'maintenance' };

/** Kuma writes absent label values as the literal text `null`. */
function label(labels: Record<string, string>, key: string): string | undefined {
  const value = labels[key];
  return value === undefined || value === '' || value === 'null' ? undefined : value;
}

/** 2.x labels carry `monitor_id`; 1.23 only the name, type, URL, host name and port. */
function monitorKey(labels: Record<string, string>): string | undefined {
  const id = label(labels, 'monitor_id');
  if (id) return `id:${id}`;
  const name = labels.monitor_name;
  if (name === undefined) return undefined;
  return ['monitor_name', 'monitor_type', 'monitor_url', 'monitor_hostname', 'monitor_port']
    .map((key) => labels[key] ?? '')
    .join('\u0000');
}

function targetOf(labels: Record<string, string>): string | undefined {
  const url = label(labels, 'monitor_url');
  if (url && url !== 'https://') return url;
  const host = label(labels, 'monitor_hostname');
  if (!host) return undefined;
  const port = label(labels, 'monitor_port');
  return port ? `${host}:${port}` : host;
}

/** The `monitor_*` families of Kuma's metrics, one entry per monitor; everything else is ignored. */
export function monitorsFromSamples(samples: PrometheusSample[]): KumaMonitor[] {
  const monitors = new Map<string, KumaMonitor>();
  for (const sample of samples) {
    if (!sample.name.startsWith('monitor_')) continue;
    const key = monitorKey(sample.labels);
    if (key === undefined) continue;
    let monitor = monitors.get(key);
    if (!monitor) {
      const type = label(sample.labels, 'monitor_type');
      const target = targetOf(sample.labels);
      monitor = {
        name: label(sample.labels, 'monitor_name') ?? '(unnamed)',
        state: 'unknown',
        ...(type ? { type } : {}),
        ...(target ? { target } : {}),
      };
      monitors.set(key, monitor);
    }
    if (sample.name === 'monitor_status') monitor.state = STATES[sample.value] ?? 'unknown';
    if (sample.name === 'monitor_response_time' && sample.value >= 0) monitor.responseTimeMs = sample.value;
    if (sample.name === 'monitor_cert_days_remaining' && Number.isFinite(sample.value)) {
      monitor.certDaysRemaining = sample.value;
    }
  }
  return [...monitors.values()];
}

export async function fetchKuma(options: {
  settings: { url: string; apiKey: string };
  timeoutMs: number;
  secrets: string[];
  logger?: Logger;
}): Promise<Result<KumaMonitor[]>> {
  const http = createJsonClient({
    service: KUMA_SERVICE,
    baseUrl: options.settings.url,
    timeoutMs: options.timeoutMs,
    secrets: options.secrets,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    // Basic auth with an empty user name and the API key as the password.
    const credentials = Buffer.from(`:${options.settings.apiKey}`).toString('base64');
    const text = await http.requestText('/metrics', { authorization: `Basic ${credentials}` });
    if (!text.ok) return text;
    const samples = parsePrometheusText(text.value);
    if (samples === undefined) {
      return {
        ok: false,
        failure: {
          kind: 'malformed',
          problem: `${KUMA_SERVICE.name} sent a malformed response to /metrics: not Prometheus metrics`,
        },
      };
    }
    return { ok: true, value: monitorsFromSamples(samples) };
  } finally {
    await http.close();
  }
}
