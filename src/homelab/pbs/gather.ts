import type { Result } from '../http.ts';
import type { PveClient } from '../pve/client.ts';
import type { BackupsReport } from './backups.ts';
import type { PbsClient, PbsTask } from './client.ts';
import type { PbsReport } from './format.ts';

/** Backup tasks are looked at over the last day: one nightly run plus slack. */
const BACKUP_TASKS_WINDOW_SECONDS = 86_400;

function onlyTasks(tasks: Result<PbsTask[]>, keep: (task: PbsTask) => boolean): Result<PbsTask[]> {
  return tasks.ok ? { ok: true, value: tasks.value.filter(keep) } : tasks;
}

/** `/pbs`: the node, its datastores, and the latest garbage collections and verifications. */
export async function gatherPbsReport(client: PbsClient): Promise<PbsReport> {
  const [node, datastores, garbageCollections, verifyJobs, verifications] = await Promise.all([
    client.nodeStatus(),
    client.datastoreUsage(),
    client.tasks({ typefilter: 'garbage_collection', limit: 50 }),
    client.tasks({ typefilter: 'verificationjob', limit: 50 }),
    client.tasks({ typefilter: 'verify', limit: 50 }),
  ]);
  // Scheduled verify jobs and one-off verifications are two task types; either failing is the report's failure.
  const verifyTasks: Result<PbsTask[]> =
    verifyJobs.ok && verifications.ok
      ? { ok: true, value: [...verifyJobs.value, ...verifications.value] }
      : verifyJobs.ok
        ? verifications
        : verifyJobs;
  return {
    node,
    datastores,
    garbageCollections: onlyTasks(garbageCollections, (t) => t.worker_type === 'garbage_collection'),
    verifications: onlyTasks(verifyTasks, (t) => /^verif/.test(t.worker_type)),
  };
}

/**
 * `/backups`: every datastore's snapshots, PBS backup tasks of the last day, and (with PVE
 * configured) each online node's `vzdump` tasks of the last day.
 */
export async function gatherBackupsReport(
  pbs: PbsClient,
  pve: PveClient | undefined,
  now: Date,
): Promise<BackupsReport> {
  const since = Math.floor(now.getTime() / 1000) - BACKUP_TASKS_WINDOW_SECONDS;
  const storesPromise = pbs.datastoreUsage().then(async (usage): Promise<BackupsReport['stores']> => {
    if (!usage.ok) return usage;
    const stores = await Promise.all(
      usage.value.map(async ({ store }) => ({ store, snapshots: await pbs.snapshots(store) })),
    );
    return { ok: true, value: stores };
  });
  const pveTasksPromise = pve ? pveBackupTasks(pve, since) : Promise.resolve(undefined);
  const [stores, pbsTasks, pveTasks] = await Promise.all([
    storesPromise,
    pbs.tasks({ typefilter: 'backup', since, limit: 500 }),
    pveTasksPromise,
  ]);
  return {
    stores,
    pbsTasks: onlyTasks(pbsTasks, (task) => task.worker_type.includes('backup')),
    ...(pveTasks ? { pveTasks } : {}),
  };
}

async function pveBackupTasks(
  pve: PveClient,
  since: number,
): Promise<NonNullable<BackupsReport['pveTasks']>> {
  const nodes = await pve.nodes();
  if (!nodes.ok) return nodes;
  const online = nodes.value.filter((node) => node.status === undefined || node.status === 'online');
  const perNode = await Promise.all(
    online.map(async ({ node }) => ({
      node,
      tasks: await pve.tasks(node, { typefilter: 'vzdump', since, limit: 500 }),
    })),
  );
  return { ok: true, value: perNode };
}
