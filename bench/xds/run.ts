/**
 * xDS benchmark (`npm run bench:xds`): K raw ADS clients in their own process (and, with
 * --envoys N, N real Envoys reported apart) against a real Prescient in another, subscribed to C
 * clusters holding E endpoints in total, for state of the world and for delta. Measures initial sync, weight-change propagation (change → every client
 * ACKed), and server CPU and resident memory per connected client. Prints a table and writes JSON
 * (default bench/results/xds.json). See docs/benchmarks.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import type { BenchProtocol } from './clients.ts';
import { runProtocol, type BenchSettings, type ProtocolResult } from './scenario.ts';

const DEFAULT_OUT = fileURLToPath(new URL('../results/xds.json', import.meta.url));

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected 0 or a positive integer');
  return n;
}

function protocols(value: string): BenchProtocol[] {
  if (value === 'both') return ['sotw', 'delta'];
  if (value === 'sotw' || value === 'delta') return [value];
  throw new InvalidArgumentError('expected sotw, delta or both');
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

function printTable(runs: ProtocolResult[]): void {
  console.table(
    runs.map((r) => ({
      protocol: r.protocol,
      clients: r.clients,
      clusters: r.clusters,
      endpoints: r.endpoints,
      'initial sync ms': r.initialSyncMs,
      'change p50 ms': r.changeAckMs.p50,
      'change p99 ms': r.changeAckMs.p99,
      'change max ms': r.changeAckMs.max,
      'client ack p99 ms': r.clientAckMs.p99,
      'RSS KB/client': kb(r.rssBytesPerClient),
      'peak RSS KB/client': kb(r.peakRssBytesPerClient),
      'server CPU s': r.serverCpuSeconds,
    })),
  );
  const withEnvoys = runs.filter((r) => r.envoy);
  if (withEnvoys.length) {
    console.log('real Envoys among the clients (change → applied, from their own EDS update counters):');
    console.table(
      withEnvoys.map((r) => ({
        protocol: r.protocol,
        envoys: r.envoy!.envoys,
        'sync (to LIVE) p50 ms': r.envoy!.syncMs.p50,
        'change p50 ms': r.envoy!.changeAppliedMs.p50,
        'change p99 ms': r.envoy!.changeAppliedMs.p99,
        'per Envoy p99 ms': r.envoy!.envoyAppliedMs.p99,
        'raw client ack p50 ms': r.clientAckMs.p50,
        'raw client ack p99 ms': r.clientAckMs.p99,
      })),
    );
  }
}

async function main(): Promise<void> {
  const opts = new Command()
    .name('bench:xds')
    .description('xDS fan-out benchmark: K ADS clients, C clusters, E endpoints, SotW and delta')
    .option('--clients <n>', 'ADS clients (one connection each)', positiveInt, 1000)
    .option('--clusters <n>', 'clusters (Services)', positiveInt, 200)
    .option('--endpoints <n>', 'endpoints in total, spread over the clusters', positiveInt, 10_000)
    .option('--changes <n>', 'one-cluster weight changes measured', positiveInt, 20)
    .option('--protocol <p>', 'sotw, delta or both', protocols, protocols('both'))
    .option('--envoys <n>', 'real Envoy 1.40 processes among the clients, reported apart (0 = none)', nonNegativeInt, 0)
    .option('--max-new-streams <n>', "server's maxNewStreamsPerSecond (above --clients so the connection storm is admitted)", positiveInt)
    .option('--out <file>', 'JSON results file', DEFAULT_OUT)
    .option('--cpu-prof <dir>', 'write a V8 CPU profile of each server process into <dir>')
    .option('--malloc-default', "run the server with glibc's default malloc settings instead of the container's MALLOC_MMAP_THRESHOLD_=131072")
    .parse()
    .opts<{ clients: number; clusters: number; endpoints: number; changes: number; protocol: BenchProtocol[]; envoys: number; maxNewStreams?: number; out: string; cpuProf?: string; mallocDefault?: boolean }>();

  const settings: BenchSettings = {
    clients: opts.clients,
    clusters: opts.clusters,
    endpoints: opts.endpoints,
    changes: opts.changes,
    envoys: opts.envoys,
    maxNewStreamsPerSecond: opts.maxNewStreams ?? Math.max(100_000, opts.clients * 10),
    debounce: { quietMs: 10, maxDelayMs: 50 },
    pauseMs: 200,
    settleMs: 2000,
    syncTimeoutMs: 300_000,
    changeTimeoutMs: 60_000,
    cpuProfileDir: opts.cpuProf,
    mallocMmapThreshold: opts.mallocDefault ? undefined : 131072,
  };
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}`, memoryBytes: totalmem() };
  console.log(`xDS benchmark on ${machine.cpus} × ${machine.model}, Node ${machine.node}: ${settings.clients} clients${settings.envoys ? ` and ${settings.envoys} Envoys` : ''}, ${settings.clusters} clusters, ${settings.endpoints} endpoints, ${settings.changes} changes`);

  const runs: ProtocolResult[] = [];
  for (const protocol of opts.protocol) {
    console.log(`running ${protocol}…`);
    runs.push(await runProtocol(protocol, settings));
  }
  printTable(runs);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ machine, settings, runs }, null, 2)}\n`);
  console.log(`wrote ${opts.out}`);
}

await main();
