/**
 * The closed scoring loop the scorer's end-to-end tests run: real gRPC backends, a Prescient
 * scoring them from its probes and 1-s load reports, and two real grpc-js-xds clients.
 * `ScoredMesh` is that set-up with no load (a test drives its own, e.g. OpenLoad); `ScoredLoop`
 * adds steady load from the start. `stop()` takes everything down, whatever was started.
 */
import { startBackends, type BackendServer } from './backend-servers.ts';
import { eventually } from './eventually.ts';
import { scoredMesh } from './meshes.ts';
import { PrescientHarness } from './prescient-harness.ts';
import { SteadyLoad } from './steady-load.ts';
import { EchoClient } from './xds-channel.ts';

export class ScoredMesh {
  protected constructor(
    readonly backends: BackendServer[],
    readonly h: PrescientHarness,
    readonly clients: EchoClient[],
  ) {}

  /** Returns once the first client's first call is answered. `policy`: more ScoringPolicy fields. */
  static async start(ids: string[], backendOptions?: Parameters<typeof startBackends>[1], policy: object = {}): Promise<ScoredMesh> {
    const { backends, h, clients } = await ScoredMesh.parts(ids, backendOptions, policy);
    return new ScoredMesh(backends, h, clients);
  }

  protected static async parts(ids: string[], backendOptions: Parameters<typeof startBackends>[1], policy: object = {}) {
    const backends = await startBackends(ids, backendOptions);
    const h = await PrescientHarness.start(scoredMesh(backends, policy), { scorer: {}, lrsIntervalMs: 1000 });
    const clients = [new EchoClient('xds:///scored', h.xdsPort), new EchoClient('xds:///scored', h.xdsPort)];
    await eventually(async () => (await clients[0]!.call(2000)).backend !== undefined, 20_000);
    return { backends, h, clients };
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.h.stop();
    await Promise.all(this.backends.map((b) => b.stop()));
  }
}

export class ScoredLoop extends ScoredMesh {
  private constructor(
    backends: BackendServer[],
    h: PrescientHarness,
    clients: EchoClient[],
    readonly load: SteadyLoad,
  ) {
    super(backends, h, clients);
  }

  /** With `balanced`, waits until the first backend gets about a third of the calls (all healthy). */
  static override async start(ids: string[], backendOptions?: Parameters<typeof startBackends>[1], { balanced = true } = {}): Promise<ScoredLoop> {
    const { backends, h, clients } = await ScoredMesh.parts(ids, backendOptions);
    const loop = new ScoredLoop(backends, h, clients, new SteadyLoad(clients));
    if (balanced) {
      await eventually(async () => {
        const w = await loop.load.shareOver(1000, (k) => k === ids[0]);
        return w.total > 50 && w.share > 0.2 && w.share < 0.45;
      }, 20_000, 0);
    }
    return loop;
  }

  override async stop(): Promise<void> {
    await this.load.stop();
    await super.stop();
  }
}
