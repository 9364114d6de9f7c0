/**
 * Scorer benchmark (`npm run bench:scorer`): one leader scoring tick — feature windows → one
 * batched ONNX inference over the endpoints due a refresh (staggered forecasting, K ticks) plus
 * the EWMA fallback over all → scores → damped integer weights → store — for 1,000, 10,000 and
 * 100,000 endpoints on CPU. Prints a table and writes bench/results/scorer.json, with the load
 * average around each size (other jobs sharing the cores slow inference most). Endpoints are
 * grouped 100 per service; telemetry is synthetic (a minute of per-second latency, error rate and
 * CPU per endpoint). Ticks are measured after K warm-up ticks, so every endpoint has a forecast
 * and every measured tick is a steady-state one.
 *
 * Options: `--sizes 1000,10000,100000:1` to choose sizes (`:K` forces the refresh period of that
 * run; the default list ends with 100,000 forecast every tick, for comparison), `--ticks N`
 * measured ticks per size (median and max reported), `--refresh-ticks K` (default: the loop's
 * default for the size), `--threads N`
 * (onnxruntime intra-op threads), `--spin 0|1`, `--max-batch-rows N`, `--fallback-alpha X` (a fixed-α
 * EWMA fallback instead of the tuned one), `--out FILE`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_VERSION, type EndpointSpec, type MeshConfig, type ServiceDocument } from '../../api/config.ts';
import { RingFeatureStore } from '../../scorer/features/ring-feature-store.ts';
import { EwmaForecaster } from '../../scorer/forecast/ewma-forecaster.ts';
import { loadForecaster } from '../../scorer/forecast/onnx-forecaster.ts';
import { ScorerLoop } from '../../scorer/loop/scorer-loop.ts';

const ENDPOINTS_PER_SERVICE = 100;
const HISTORY_S = 60;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

function mesh(endpoints: number): MeshConfig {
  const services = new Map<string, ServiceDocument>();
  for (let s = 0; s * ENDPOINTS_PER_SERVICE < endpoints; s++) {
    const eps: EndpointSpec[] = [];
    for (let e = 0; e < Math.min(ENDPOINTS_PER_SERVICE, endpoints - s * ENDPOINTS_PER_SERVICE); e++) {
      eps.push({ address: `10.${s >> 8}.${s & 255}.${e + 1}`, port: 8080 });
    }
    const name = `svc-${s}`;
    services.set(name, { apiVersion: API_VERSION, kind: 'Service', metadata: { name }, spec: { protocol: 'grpc', endpoints: eps }, origin: { file: 'bench', documentIndex: s } });
  }
  return { services, routes: new Map(), weightOverrides: [], scoringPolicies: new Map() };
}

/** Deterministic pseudo-random telemetry: a per-endpoint base latency with a slow wave and noise. */
function feed(store: RingFeatureStore, config: MeshConfig, now: number): void {
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const [service, doc] of config.services) {
    for (const e of doc.spec.endpoints) {
      const endpoint = `${e.address}:${e.port}`;
      const base = 5 + rnd() * 50;
      for (let t = HISTORY_S; t >= 0; t--) {
        const at = now - t * 1000;
        const latency = base * (1 + 0.2 * Math.sin(at / 20_000)) + rnd() * 3;
        store.record({ service, endpoint, at, metrics: { latency_ms: latency, error_rate: rnd() * 0.01, cpu: 0.3 + rnd() * 0.4 } });
      }
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Run {
  endpoints: number;
  provider: string;
  refreshTicks: number;
  modelRows: number;
  tickMs: number;
  maxTickMs: number;
  inferenceMs: number;
  fallbackMs: number;
  featuresMs: number;
  scoringMs: number;
  load1: string;
}

const optional = (name: string): number | undefined => (process.argv.includes(`--${name}`) ? Number(arg(name, '')) : undefined);

async function main(): Promise<void> {
  const sizes = arg('sizes', '1000,10000,100000,100000:1')
    .split(',')
    .map((spec) => spec.split(':').map(Number) as [number, number?]);
  const ticks = Number(arg('ticks', '5'));
  const refreshTicks = optional('refresh-ticks');
  const spin = optional('spin');
  const fallbackAlpha = optional('fallback-alpha');
  const tuning = {
    provider: 'cpu',
    ...(optional('threads') !== undefined ? { intraOpNumThreads: optional('threads') } : {}),
    ...(spin !== undefined ? { allowSpinning: spin === 1 } : {}),
    ...(optional('max-batch-rows') !== undefined ? { maxBatchRows: optional('max-batch-rows') } : {}),
  };
  const runs: Run[] = [];
  let model = await loadForecaster(tuning);
  for (const [endpoints, forced] of sizes) {
    // A loop owns its model and closes it on stop: each size gets its own session.
    if (runs.length > 0) model = await loadForecaster(tuning);
    // As the scorer module builds it: α tuned per endpoint every tick; --fallback-alpha X: fixed α.
    const fallback = new EwmaForecaster({ window: model.window, horizons: model.horizons, ...(fallbackAlpha !== undefined ? { alpha: fallbackAlpha } : {}) });
    const config = mesh(endpoints);
    const features = new RingFeatureStore({ resolutionMs: 1000, retentionMs: (HISTORY_S + 30) * 1000, maxEndpointsPerService: ENDPOINTS_PER_SERVICE });
    let now = Date.now();
    feed(features, config, now);
    const loop = new ScorerLoop({
      config,
      features,
      forecaster: model,
      fallback,
      onDecisions: () => {},
      now: () => now,
      rng: Math.random,
      ...((forced ?? refreshTicks) !== undefined ? { forecastRefreshTicks: forced ?? refreshTicks } : {}),
    });
    // Warm-up: lease, first allocation, onnxruntime kernels, and one round of staggered refreshes.
    for (let i = 0; i < loop.status().forecastRefreshTicks; i++) {
      await loop.tick();
      now += 1000;
    }
    const loadBefore = loadavg()[0]!;
    const samples: Run[] = [];
    for (let i = 0; i < ticks; i++) {
      now += 1000;
      const start = performance.now();
      await loop.tick();
      const tickMs = performance.now() - start;
      const st = loop.status();
      const t = st.lastTickTimings!;
      samples.push({
        endpoints,
        provider: model.provider,
        refreshTicks: st.forecastRefreshTicks,
        modelRows: st.lastTickModelRows ?? 0,
        tickMs,
        maxTickMs: tickMs,
        inferenceMs: t.modelMs,
        fallbackMs: t.fallbackMs,
        featuresMs: t.featuresMs,
        scoringMs: t.scoringMs,
        load1: '',
      });
    }
    const pick = (k: keyof Run) => Math.round(median(samples.map((s) => s[k] as number)) * 10) / 10;
    runs.push({
      endpoints,
      provider: model.provider,
      refreshTicks: samples[0]!.refreshTicks,
      modelRows: pick('modelRows'),
      tickMs: pick('tickMs'),
      maxTickMs: Math.round(Math.max(...samples.map((s) => s.tickMs)) * 10) / 10,
      inferenceMs: pick('inferenceMs'),
      fallbackMs: pick('fallbackMs'),
      featuresMs: pick('featuresMs'),
      scoringMs: pick('scoringMs'),
      load1: `${loadBefore.toFixed(2)}→${loadavg()[0]!.toFixed(2)}`,
    });
    await loop.stop();
  }
  await model.close();

  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' };
  console.log(`scorer tick on ${machine.cpus} × ${machine.model}, model ${model.version} (window ${model.window}), median of ${ticks} ticks`);
  console.table(runs);
  const out = arg('out', join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'scorer.json'));
  mkdirSync(dirname(out), { recursive: true });
  const settings = { maxBatchRows: model.maxBatchRows, ...tuning, fallbackAlpha: fallbackAlpha ?? 'tuned per endpoint' };
  writeFileSync(out, `${JSON.stringify({ machine, modelVersion: model.version, ticksPerSize: ticks, settings, runs }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
