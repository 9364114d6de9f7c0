/**
 * One benchmark run for one protocol: a fresh server process and a fresh client process, so
 * neither CPU nor memory carries over between protocols.
 *
 * 1. The server loads the mesh; its resident memory then is the baseline.
 * 2. K clients connect at once; initial sync ends when the last one holds every cluster. Memory
 *    is measured again once the server has been idle for `settleMs`.
 * 3. N times: one cluster's weights change; the change is done when every client has ACKed the
 *    response carrying it. Changes run one at a time, with a short pause between them.
 *
 * With `envoys` > 0, that many real Envoys (envoys.ts) join after the raw clients have synced and
 * before the changes, and their change → applied times are reported apart (`envoy`).
 */
import { fileURLToPath } from 'node:url';
import type { DebounceOptions } from '../../xds-server/pipeline/push-debouncer.ts';
import { clusterNames } from './bench-mesh.ts';
import { ClientTally } from './client-tally.ts';
import type { BenchProtocol, ClientsConfig, ClientsStarted, ClientsStats } from './clients.ts';
import { BenchEnvoys } from './envoys.ts';
import { ChildPeer } from './ipc.ts';
import { spread, type Spread } from './percentiles.ts';
import type { ServerStart, ServerStats } from './server.ts';

export interface BenchSettings {
  clients: number;
  clusters: number;
  endpoints: number;
  changes: number;
  maxNewStreamsPerSecond: number;
  debounce: DebounceOptions;
  /** Idle time between two changes. */
  pauseMs: number;
  /** Idle time after the initial sync before memory is measured. */
  settleMs: number;
  syncTimeoutMs: number;
  changeTimeoutMs: number;
  /** Real Envoys among the clients (0: raw clients only). */
  envoys: number;
  /** When set, the server process writes a V8 CPU profile (`--cpu-prof`) into this folder. */
  cpuProfileDir?: string;
  /**
   * glibc's MALLOC_MMAP_THRESHOLD_ for the server process, as the shipped container sets it
   * (Dockerfile, Deployment); undefined = glibc's dynamic default.
   */
  mallocMmapThreshold?: number;
}

export interface ProtocolResult {
  protocol: BenchProtocol;
  clients: number;
  clusters: number;
  endpoints: number;
  changes: number;
  /** From the first connection attempt until the last client held every cluster. */
  initialSyncMs: number;
  /** Per client, from the first connection attempt until it held every cluster. */
  clientSyncMs: Spread;
  /** Per change, from the weight change until the last client ACKed it. */
  changeAckMs: Spread;
  /** Every (change, client) pair: from the weight change until that client ACKed it. */
  clientAckMs: Spread;
  rssBaselineBytes: number;
  rssSyncedBytes: number;
  rssBytesPerClient: number;
  heapBytesPerClient: number;
  externalBytesPerClient: number;
  /** Server CPU (user + system) from the baseline to the end of the last change, without the bench's forced GCs. */
  serverCpuSeconds: number;
  serverCpuSecondsSync: number;
  serverCpuSecondsChanges: number;
  /** CPU of the client process over the same span, for how much of the machine the load generator took. */
  clientCpuSeconds: number;
  /** Highest resident memory the server reached (the connection storm), above the baseline, per client. */
  peakRssBytesPerClient: number;
  /** The real Envoys' figures, when the run had any; the raw clients' above leave them out. */
  envoy?: EnvoyResult;
}

export interface EnvoyResult {
  envoys: number;
  /** Per Envoy, from its start (after the raw clients synced) until LIVE: every cluster warmed. */
  syncMs: Spread;
  /** Per change, from the weight change until the last Envoy applied it. */
  changeAppliedMs: Spread;
  /** Every (change, Envoy) pair: from the weight change until that Envoy applied it (±10 ms, one poll). */
  envoyAppliedMs: Spread;
}

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CPU between two stats requests, without the first one's forced GC. */
const cpuSeconds = (from: { cpuMicros: number; gcMicros?: number }, to: { cpuMicros: number }): number =>
  Math.round((to.cpuMicros - from.cpuMicros - (from.gcMicros ?? 0)) / 1e4) / 100;

export async function runProtocol(protocol: BenchProtocol, s: BenchSettings): Promise<ProtocolResult> {
  const tally = new ClientTally(s.clients);
  // One profile per thread (tsx's loader runs in its own), named CPU.<date>.<pid>.<thread>….
  const profile = s.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${s.cpuProfileDir}`] : [];
  const serverEnv: Record<string, string> = s.mallocMmapThreshold === undefined ? {} : { MALLOC_MMAP_THRESHOLD_: String(s.mallocMmapThreshold) };
  const server = ChildPeer.fork(here('./server.ts'), 'bench server', ['--expose-gc', ...profile], undefined, serverEnv);
  const clients = ChildPeer.fork(here('./clients.ts'), 'bench clients', [], (m) => {
    if (m?.kind === 'events') tally.onEvents(m.events);
  });
  let envoys: BenchEnvoys | undefined;
  try {
    const start: ServerStart = { clusters: s.clusters, endpoints: s.endpoints, maxNewStreamsPerSecond: s.maxNewStreamsPerSecond, debounce: s.debounce };
    const { port } = await server.request<{ port: number }>({ kind: 'start', ...start });
    const baseline = await server.request<ServerStats>({ kind: 'stats' });

    const names = clusterNames(s.clusters);
    const config: ClientsConfig = { port, clients: s.clients, clusters: names, protocol };
    const clientsBefore = await clients.request<ClientsStats>({ kind: 'stats' });
    const started = await clients.request<ClientsStarted>({ kind: 'start', config });
    const syncTimes = await tally.synced(s.syncTimeoutMs);
    // Writes complete (and release their buffers) some time after clients have the data.
    await sleep(s.settleMs);
    const synced = await server.request<ServerStats>({ kind: 'stats' });
    if (s.envoys > 0) {
      envoys = await BenchEnvoys.start(s.envoys, port, protocol, s.syncTimeoutMs);
      await sleep(s.settleMs);
    }

    const perChange: number[] = [];
    const perClient: number[] = [];
    const envoyPerChange: number[] = [];
    const envoyPerEnvoy: number[] = [];
    for (let i = 0; i < s.changes; i++) {
      const cluster = names[i % names.length]!;
      tally.watch(cluster);
      await clients.request({ kind: 'watch', cluster });
      const envoysApplied = await envoys?.watch(cluster, s.changeTimeoutMs);
      const acked = tally.acked(s.changeTimeoutMs);
      acked.catch(() => {}); // awaited below; this only keeps a failed change request from leaving it unhandled
      const { at } = await server.request<{ at: number }>({ kind: 'change', cluster });
      const [ackTimes, appliedTimes] = await Promise.all([acked, envoysApplied?.()]);
      const latencies = ackTimes.map((t) => t - at);
      perClient.push(...latencies);
      perChange.push(Math.max(...latencies));
      if (appliedTimes) {
        const applied = appliedTimes.map((t) => t - at);
        envoyPerEnvoy.push(...applied);
        envoyPerChange.push(Math.max(...applied));
      }
      await sleep(s.pauseMs);
    }
    const end = await server.request<ServerStats>({ kind: 'stats' });
    const clientsAfter = await clients.request<ClientsStats>({ kind: 'stats' });
    const cpuSync = cpuSeconds(baseline, synced);
    const cpuChanges = cpuSeconds(synced, end);

    return {
      protocol,
      clients: s.clients,
      clusters: s.clusters,
      endpoints: s.endpoints,
      changes: s.changes,
      initialSyncMs: Math.max(...syncTimes) - started.at,
      clientSyncMs: spread(syncTimes.map((t) => t - started.at)),
      changeAckMs: spread(perChange),
      clientAckMs: spread(perClient),
      rssBaselineBytes: baseline.rssBytes,
      rssSyncedBytes: synced.rssBytes,
      rssBytesPerClient: Math.round((synced.rssBytes - baseline.rssBytes) / s.clients),
      heapBytesPerClient: Math.round((synced.heapUsedBytes - baseline.heapUsedBytes) / s.clients),
      externalBytesPerClient: Math.round((synced.externalBytes - baseline.externalBytes) / s.clients),
      serverCpuSeconds: Math.round((cpuSync + cpuChanges) * 100) / 100,
      serverCpuSecondsSync: cpuSync,
      serverCpuSecondsChanges: cpuChanges,
      clientCpuSeconds: cpuSeconds(clientsBefore, clientsAfter),
      peakRssBytesPerClient: Math.round((end.maxRssBytes - baseline.rssBytes) / s.clients),
      ...(envoys && { envoy: { envoys: s.envoys, syncMs: spread(envoys.syncMs), changeAppliedMs: spread(envoyPerChange), envoyAppliedMs: spread(envoyPerEnvoy) } }),
    };
  } finally {
    await envoys?.stop();
    await clients.stop();
    await server.stop();
  }
}
