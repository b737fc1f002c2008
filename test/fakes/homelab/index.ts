import { type FakeBeszel, startFakeBeszel } from '../beszel/index.ts';
import { type FakeKuma, startFakeKuma } from '../kuma/index.ts';
import { type FakePbs, startFakePbs } from '../pbs/index.ts';
import { type FakePing, listenTcp, startFakePing, type TcpListener } from '../ping/index.ts';
import { type FakePve, startFakePve } from '../pve/index.ts';

export interface HomelabFakes {
  /**
   * Settings pointing at every fake: PBS_*, PVE_* (with the certificates' fingerprints), BESZEL_*,
   * KUMA_*, PING_HOSTS (`router` answers ping, `nas` does not, `web` is a TCP port that accepts),
   * and PATH with the fake `ping` first.
   */
  env: Record<string, string>;
  pbs: FakePbs;
  pve: FakePve;
  beszel: FakeBeszel;
  kuma: FakeKuma;
  ping: FakePing;
  web: TcpListener;
  close(): Promise<void>;
}

/** Every homelab service the bot reads, faked, with default real-looking data. */
export async function startHomelabFakes(options: { now?: Date } = {}): Promise<HomelabFakes> {
  const now = options.now ?? new Date();
  const [pbs, pve, beszel, kuma, ping, web] = await Promise.all([
    startFakePbs({ now }),
    startFakePve({ now }),
    startFakeBeszel(),
    startFakeKuma(),
    startFakePing({ 'router.lan': { reply: 0.42 }, 'nas.lan': 'no-reply' }),
    listenTcp(),
  ]);
  return {
    env: {
      ...pbs.env,
      ...pve.env,
      ...beszel.env,
      ...kuma.env,
      PING_HOSTS: `router=router.lan,nas=nas.lan,web=127.0.0.1:${web.port}`,
      PATH: ping.pathEnv,
    },
    pbs,
    pve,
    beszel,
    kuma,
    ping,
    web,
    close: async () => {
      await Promise.all([pbs.close(), pve.close(), beszel.close(), kuma.close(), ping.close(), web.close()]);
    },
  };
}
