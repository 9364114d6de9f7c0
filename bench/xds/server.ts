/**
 * The server process of `npm run bench:xds`: the real composition root (`Prescient.start`, as
 * `prescient serve` runs it) over a generated mesh file, scorer off, driven over IPC by run.ts:
 *
 * - `start {clusters, endpoints, maxNewStreamsPerSecond, debounce}` → `{ port }`
 * - `change {cluster}` → new weights for every endpoint of that one cluster via `setDecisions`;
 *   replies `{ at }`, the Unix ms at which the change was handed to Prescient
 * - `stats` → `ServerStats`, memory taken after full GCs (run with --expose-gc), so resident
 *   memory is not inflated by garbage that happens not to have been collected yet
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { endpointKey } from '../../api/config.ts';
import type { ServiceWeights } from '../../api/decisions.ts';
import { silentLogger } from '../../xds-server/log.ts';
import type { DebounceOptions } from '../../xds-server/pipeline/push-debouncer.ts';
import { Prescient } from '../../xds-server/app/prescient.ts';
import { meshYaml } from './bench-mesh.ts';
import { serveRequests } from './ipc.ts';

export interface ServerStart {
  clusters: number;
  endpoints: number;
  maxNewStreamsPerSecond: number;
  debounce: DebounceOptions;
}

export interface ServerStats {
  /** User + system CPU of the server process since it started, µs, before this request's own GC. */
  cpuMicros: number;
  /** CPU this request's forced GC took, µs: not the server's work, so left out of CPU spans. */
  gcMicros: number;
  rssBytes: number;
  /** Highest RSS since the process started. */
  maxRssBytes: number;
  heapUsedBytes: number;
  /** Buffers and other memory V8 tracks outside its heap. */
  externalBytes: number;
}

let prescient: Prescient | undefined;
let dir: string | undefined;
const weights = new Map<string, ServiceWeights>();
let changes = 0;

async function start(s: ServerStart): Promise<{ port: number }> {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-bench-xds-'));
  const configFile = path.join(dir, 'mesh.yaml');
  await fs.writeFile(configFile, meshYaml(s.clusters, s.endpoints));
  prescient = await Prescient.start({
    configPaths: [configFile],
    xdsAddress: '127.0.0.1:0',
    adminAddress: '127.0.0.1:0',
    debounce: s.debounce,
    maxNewStreamsPerSecond: s.maxNewStreamsPerSecond,
    scorer: false,
    logger: silentLogger,
  });
  await prescient.settled();
  return { port: prescient.xdsPort };
}

/** Weights grow with every change (endpoint i of change n weighs n + i), so each change is a real EDS update. */
function change(cluster: string): { at: number } {
  const p = prescient!;
  const service = p.config.services.get(cluster);
  if (!service) throw new Error(`BENCH_XDS_UNKNOWN_CLUSTER: no service "${cluster}"`);
  changes++;
  const at = Date.now();
  const w = new Map(service.spec.endpoints.map((e, i) => [endpointKey(e), changes + i]));
  weights.set(cluster, { service: cluster, weights: w, computedAt: at });
  p.setDecisions({ weights: new Map(weights) }, 'bench');
  return { at };
}

/**
 * Buffers of completed writes are freed through weak callbacks that run after one GC and release
 * memory in the next, so one `gc()` leaves most of a storm's response buffers counted.
 */
async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setImmediate(r));
  }
}

async function stats(): Promise<ServerStats> {
  const cpu = process.cpuUsage();
  await collectGarbage();
  const mem = process.memoryUsage();
  const after = process.cpuUsage();
  return { cpuMicros: cpu.user + cpu.system, gcMicros: after.user + after.system - cpu.user - cpu.system, rssBytes: mem.rss, maxRssBytes: process.resourceUsage().maxRSS * 1024, heapUsedBytes: mem.heapUsed, externalBytes: mem.external };
}

serveRequests(
  (m) => {
    if (m.kind === 'start') return start(m as ServerStart);
    if (m.kind === 'change') return change(m.cluster);
    if (m.kind === 'stats') return stats();
    throw new Error(`BENCH_XDS_UNKNOWN_COMMAND: ${m.kind}`);
  },
  async () => {
    await prescient?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  },
);
