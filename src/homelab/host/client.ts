import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Mount {
  device: string;
  mountPoint: string;
  type: string;
}

export interface DiskUsage {
  mountPoint: string;
  device: string;
  total: number;
  used: number;
}

export interface Temperature {
  label: string;
  celsius: number;
}

export interface HostStatus {
  hostname: string;
  uptimeSeconds: number;
  load: number[];
  memory: { total: number; available: number };
  disks: DiskUsage[];
  /** Mount points that could not be read, with the reason. */
  diskProblems: string[];
  temperatures: Temperature[];
}

export interface HostReaderDeps {
  /** Where `/proc` and `/sys` are; tests point these at a prepared directory. */
  procDir?: string;
  sysDir?: string;
  statfs?: (mountPoint: string) => Promise<{ blocks: number; bfree: number; bavail: number; bsize: number }>;
  /** A hung network mount must not hang the report. */
  timeoutMs: number;
}

/** Kernel and virtual filesystems: none of them is a disk the owner cares about. */
const PSEUDO_FILESYSTEMS = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nsfs',
  'proc',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tmpfs',
  'tracefs',
  'fuse.lxcfs',
  'fuse.gvfsd-fuse',
  'fuse.portal',
  'fuse.snapfuse',
  'overlay',
  'nfsd',
  'iso9660',
]);

/** `/proc/mounts` writes spaces and other odd characters in octal (`\040`). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3)
    .map(([device = '', mountPoint = '', type = '']) => ({
      device: unescapeMountField(device),
      mountPoint: unescapeMountField(mountPoint),
      type,
    }));
}

/**
 * The mounts worth showing: no pseudo filesystems (an overlay root in a container still counts),
 * and each device once, at its shortest mount point (bind mounts repeat the device).
 */
export function realDisks(mounts: Mount[]): Mount[] {
  const byDevice = new Map<string, Mount>();
  for (const mount of mounts) {
    const pseudo =
      PSEUDO_FILESYSTEMS.has(mount.type) && !(mount.type === 'overlay' && mount.mountPoint === '/');
    if (pseudo) continue;
    const known = byDevice.get(mount.device);
    if (!known || mount.mountPoint.length < known.mountPoint.length) byDevice.set(mount.device, mount);
  }
  return [...byDevice.values()].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
}

/** `MemTotal` and `MemAvailable` from `/proc/meminfo`, in bytes. */
export function parseMemInfo(text: string): { total: number; available: number } | undefined {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  };
  const total = field('MemTotal');
  const available = field('MemAvailable');
  return total === undefined || available === undefined ? undefined : { total, available };
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

function plausibleCelsius(milli: string | undefined): number | undefined {
  const value = Number(milli?.trim()) / 1000;
  return Number.isFinite(value) && value > -40 && value < 150 && value !== 0 ? value : undefined;
}

/** The hottest sensor of each hwmon chip; thermal zones when there are no hwmon chips. */
export async function readTemperatures(sysDir: string): Promise<Temperature[]> {
  const temperatures: Temperature[] = [];
  const hwmonDir = path.join(sysDir, 'class/hwmon');
  for (const chip of (await listDir(hwmonDir)).sort()) {
    const chipDir = path.join(hwmonDir, chip);
    const inputs = (await listDir(chipDir)).filter((file) => /^temp\d+_input$/.test(file));
    const readings = await Promise.all(
      inputs.map(async (file) => plausibleCelsius(await readText(path.join(chipDir, file)))),
    );
    const valid = readings.filter((value): value is number => value !== undefined);
    if (valid.length === 0) continue;
    const label = (await readText(path.join(chipDir, 'name')))?.trim() || chip;
    temperatures.push({ label, celsius: Math.max(...valid) });
  }
  if (temperatures.length > 0) return temperatures;
  const thermalDir = path.join(sysDir, 'class/thermal');
  for (const zone of (await listDir(thermalDir)).filter((name) => name.startsWith('thermal_zone')).sort()) {
    const celsius = plausibleCelsius(await readText(path.join(thermalDir, zone, 'temp')));
    if (celsius === undefined) continue;
    const label = (await readText(path.join(thermalDir, zone, 'type')))?.trim() || zone;
    temperatures.push({ label, celsius });
  }
  return temperatures;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Uptime, load, memory, disks and temperatures of the machine the bot runs on. */
export async function readHostStatus(deps: HostReaderDeps): Promise<HostStatus> {
  const procDir = deps.procDir ?? '/proc';
  const sysDir = deps.sysDir ?? '/sys';
  const statfs = deps.statfs ?? ((mountPoint: string) => fs.statfs(mountPoint));
  const [mountsText, memInfoText, temperatures] = await Promise.all([
    readText(path.join(procDir, 'mounts')),
    readText(path.join(procDir, 'meminfo')),
    readTemperatures(sysDir),
  ]);
  const mounts = realDisks(parseMounts(mountsText ?? ''));
  const diskProblems: string[] = [];
  const disks = await Promise.all(
    mounts.map(async (mount): Promise<DiskUsage | undefined> => {
      try {
        const stats = await withTimeout(statfs(mount.mountPoint), deps.timeoutMs);
        const total = stats.blocks * stats.bsize;
        if (total === 0) return undefined;
        return {
          mountPoint: mount.mountPoint,
          device: mount.device,
          total,
          used: (stats.blocks - stats.bfree) * stats.bsize,
        };
      } catch (error) {
        const reason =
          error instanceof Error && error.message === 'timed out' ? 'did not answer' : 'unreadable';
        diskProblems.push(`${mount.mountPoint}: ${reason}`);
        return undefined;
      }
    }),
  );
  return {
    hostname: os.hostname(),
    uptimeSeconds: os.uptime(),
    load: os.loadavg(),
    memory: parseMemInfo(memInfoText ?? '') ?? { total: os.totalmem(), available: os.freemem() },
    disks: disks.filter((disk): disk is DiskUsage => disk !== undefined),
    diskProblems,
    temperatures,
  };
}
