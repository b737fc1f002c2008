import type { PveClient } from './client.ts';
import type { PveNodeReport, PveReport } from './format.ts';

/** `/status`'s Proxmox VE part: every node, with its VMs and containers when it is online. */
export async function gatherPveReport(client: PveClient): Promise<PveReport> {
  const nodes = await client.nodes();
  if (!nodes.ok) return nodes;
  const reports = await Promise.all(
    nodes.value.map(async (node): Promise<PveNodeReport> => {
      if (node.status !== undefined && node.status !== 'online') return { node };
      const [qemu, lxc] = await Promise.all([
        client.guests(node.node, 'qemu'),
        client.guests(node.node, 'lxc'),
      ]);
      return { node, qemu, lxc };
    }),
  );
  return { ok: true, value: reports };
}
