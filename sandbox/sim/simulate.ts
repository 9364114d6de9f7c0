/**
 * One simulated run: a scenario under a policy with a seed. Same inputs → the same result, byte
 * for byte (virtual time, seeded streams per component, deterministic event order; the scorer's
 * timings are wall-clock but only reach its status, never its decisions).
 *
 * Per request: a client drawn at random (open-loop Poisson arrivals at the profile's rate) picks a
 * host with its own load balancer; the endpoint serves, queues, rejects or fails it; the client
 * learns the outcome (outlier detection, peak EWMA) and counts it for its next load report.
 */
import type { ClientFlavor } from '../../xds-server/translate/index.ts';
import type { Forecaster } from '../../scorer/forecast/types.ts';
import { resolvePolicy, DEFAULT_POLICY } from '../../scorer/policy/resolved-policy.ts';
import { OracleForecaster } from './control/oracle-forecaster.ts';
import { ScorerControl, type ScorerControlOptions } from './control/scorer-control.ts';
import { SimPublisher } from './control/sim-publisher.ts';
import { LoadCounters, startTelemetry } from './control/telemetry-feed.ts';
import type { DecodedMesh } from './decode/decoded-types.ts';
import { EndpointServer } from './endpoint/endpoint-server.ts';
import { endpointFaults, firstFaultS } from './endpoint/faults.ts';
import { EventQueue } from './event-queue.ts';
import type { SimClient } from './lb/client-types.ts';
import { EnvoyClient } from './lb/envoy-client.ts';
import { GrpcClient } from './lb/grpc-client.ts';
import { rateFunction } from './load/load-profile.ts';
import type { PolicySpec } from './policies.ts';
import { Recorder } from './report/recorder.ts';
import { CDF_PERCENTILES, churn, herdingIndex, round, timeToShift, type RunResult, type RunSeries } from './report/run-result.ts';
import { SeededRng } from './rng.ts';
import { meshConfigFor, SERVICE } from './scenario/mesh-config.ts';
import { endpointAddress, withDefaults, type Scenario } from './scenario/scenario.ts';
import { VirtualClock } from './virtual-clock.ts';

export interface SimulateOptions {
  readonly policy: PolicySpec;
  readonly seed: number;
  /** The forecast model for `prescient` (shared, never closed here); absent = EWMA only. */
  readonly forecaster?: Forecaster;
  /** For `prescient`: called after every scorer tick with its feature store and now (sandbox/sim/series/). */
  readonly onScorerTick?: ScorerControlOptions['onTick'];
  /**
   * For `prescient`: the oracle forecaster (control/oracle-forecaster.ts: the scenario's fault
   * schedule at the target time) instead of `forecaster`; the forecaster ablation's upper bound.
   */
  readonly oracleForecast?: boolean;
}

export interface SimulateOutput {
  readonly result: RunResult;
  readonly series: RunSeries;
}

function sharesOf(mesh: DecodedMesh, indexOf: (key: string) => number): Map<number, number> {
  const a = mesh.assignments.get(SERVICE);
  const out = new Map<number, number>();
  if (!a) return out;
  let total = 0;
  for (const level of a.priorities) for (const l of level) for (const e of l.endpoints) if (e.health === 'HEALTHY') total += mesh.flavor === 'grpc' ? l.weight : e.weight;
  for (const level of a.priorities)
    for (const l of level) for (const e of l.endpoints) if (e.health === 'HEALTHY') out.set(indexOf(e.key), (mesh.flavor === 'grpc' ? l.weight : e.weight) / total);
  return out;
}

export async function simulate(scenario: Scenario, o: SimulateOptions): Promise<SimulateOutput> {
  const s = withDefaults(scenario);
  const durationMs = s.durationS * 1000;
  const q = new EventQueue();
  const clock = new VirtualClock(q);
  const now = () => clock.now();
  const root = new SeededRng(o.seed);
  const arrivals = root.fork('arrivals');
  const E = s.endpoints.length;
  const keys = s.endpoints.map((_, i) => endpointAddress(i).key);
  const keyIndex = new Map(keys.map((k, i) => [k, i]));
  const indexOf = (key: string) => keyIndex.get(key) ?? -1;
  const servers = s.endpoints.map(
    (e, i) =>
      new EndpointServer(
        { key: keys[i]!, zone: e.zone, servers: e.servers, queueLimit: e.queueLimit, speed: e.speed, serviceTime: e.serviceTime, faults: endpointFaults(s.faults, i, e.zone), errorLatencyMs: 1, probeServiceMs: 0.5 },
        q,
        root.fork(`endpoint-${i}`),
      ),
  );
  const present: number[] = s.endpoints.flatMap((e, i) => (e.joinS <= 0 ? [i] : []));
  const flavor: ClientFlavor = s.clients.flavor;
  const clients: SimClient[] = [];
  for (let c = 0; c < s.clients.count; c++) {
    const name = `client-${c}`;
    const rng = root.fork(name);
    clients.push(
      flavor === 'grpc'
        ? new GrpcClient({ name, cluster: SERVICE, rng, now: () => q.now, indexOf })
        : new EnvoyClient({
            name,
            cluster: SERVICE,
            rng,
            now: () => q.now,
            indexOf,
            algorithm: o.policy.kind === 'peak-ewma' ? 'PEAK_EWMA' : 'cluster',
            every: (ms, fn) => {
              const again = () => {
                fn();
                if (q.now + ms < durationMs) q.after(ms, again);
              };
              q.after(ms, again);
            },
          }),
    );
  }
  const rec = new Recorder(E, s.durationS, s.sloMs);
  const applied: Map<number, number>[] = [];
  const publisher = new SimPublisher({
    queue: q,
    now,
    flavor,
    clients,
    rng: root.fork('publisher'),
    pushDelayMs: s.controlPlane.pushDelayMs,
    applyDelayMs: s.controlPlane.applyDelayMs,
    stalls: s.controlPlane.stalls,
    onApplied: (mesh, t) => {
      const shares = sharesOf(mesh, indexOf);
      applied.push(shares);
      rec.weights(t, shares);
    },
  });
  publisher.config = meshConfigFor(s, o.policy, present);
  publisher.applyNow();

  const prescient = o.policy.kind === 'prescient';
  const counters = prescient ? clients.map(() => new LoadCounters(E)) : undefined;
  let scorer: ScorerControl | undefined;
  if (prescient) {
    const policy = o.policy.scoringPolicy ? resolvePolicy('sim', o.policy.scoringPolicy) : DEFAULT_POLICY;
    const oracle = o.oracleForecast ? new OracleForecaster({ scenario: s, now, epochMs: clock.epochMs, config: () => publisher.config!, features: () => scorer!.features }) : undefined;
    scorer = new ScorerControl({ queue: q, now, config: publisher.config, rng: root.fork('scorer'), publisher, forecaster: oracle ?? o.forecaster, intervalMs: policy.intervalMs, loadReportIntervalMs: s.controlPlane.lrsIntervalS * 1000, untilMs: durationMs, endpoints: E, onTick: o.onScorerTick });
    startTelemetry({
      queue: q,
      now,
      store: scorer.features,
      service: SERVICE,
      endpoints: servers,
      present: () => present,
      clients,
      counters: counters!,
      flavor,
      probeIntervalMs: s.controlPlane.probeIntervalS * 1000,
      lrsIntervalMs: s.controlPlane.lrsIntervalS * 1000,
      networkMs: s.networkMs,
      orca: s.controlPlane.orca,
      untilMs: durationMs,
    });
  }

  // Cold replicas join through a config change, as an operator or autoscaler would add them.
  for (const [i, e] of s.endpoints.entries()) {
    if (e.joinS <= 0) continue;
    q.at(e.joinS * 1000, () => {
      present.push(i);
      present.sort((a, b) => a - b);
      publisher.config = meshConfigFor(s, o.policy, present);
      scorer?.setConfig(publisher.config);
      publisher.changed();
    });
  }

  const rate = rateFunction(s.load);
  const networkMs = s.networkMs;
  const orca = s.controlPlane.orca;
  const nClients = clients.length;
  let noHost = 0;
  const arrive = () => {
    const t = q.now;
    const r = rate(t / 1000);
    if (t + 1 < durationMs) q.after(r > 0 ? arrivals.exp(1000 / r) : 100, arrive);
    if (r <= 0) return;
    const ci = arrivals.int(nClients);
    const client = clients[ci]!;
    const host = client.pick((arrivals.next() * 4294967296) >>> 0);
    if (!host) {
      noHost++;
      return;
    }
    const i = host.index;
    host.active++;
    const cnt = counters?.[ci];
    if (cnt) cnt.issued[i]!++;
    const server = servers[i]!;
    server.submit((ok, refused) => {
      host.active--;
      const latency = q.now - t + networkMs;
      client.onResult(host, ok, latency, refused);
      rec.record(i, t, latency, ok);
      if (cnt) {
        if (ok) cnt.success[i]!++;
        else cnt.errors[i]!++;
        if (orca && !refused) {
          cnt.utilSum[i]! += server.utilisationNow();
          cnt.utilCount[i]!++;
        }
      }
    });
  };
  q.at(0, arrive);
  // Requests still in flight at the end are answered; no new ones arrive after durationMs.
  await q.run(durationMs + 120_000);
  rec.finish();

  const faulty = [...new Set(s.faults.flatMap((f) => (f.kind === 'zone-failure' ? s.endpoints.flatMap((e, i) => (e.zone === f.zone ? [i] : [])) : (f.endpoints ?? []))))];
  const offered = rec.total + noHost;
  const totalCost = s.endpoints.reduce((sum, e) => sum + (e.costPerHour * Math.max(0, s.durationS - e.joinS)) / 3600, 0);
  const result: RunResult = {
    scenario: s.name,
    policy: o.policy.name,
    seed: o.seed,
    requests: offered,
    errors: rec.errors + noHost,
    errorRate: round(offered ? (rec.errors + noHost) / offered : 0, 6),
    goodput: round(offered ? rec.good / offered : 0, 6),
    p50Ms: round(rec.percentileMs(50), 3),
    p90Ms: round(rec.percentileMs(90), 3),
    p99Ms: round(rec.percentileMs(99), 3),
    p999Ms: round(rec.percentileMs(99.9), 3),
    timeToShiftS: timeToShift(rec, faulty, present.length, firstFaultS(s.faults)),
    herdingIndex: round(herdingIndex(rec, 10), 6),
    weightChurn: churn(applied),
    utilisation: servers.map((sv, i) => round(sv.workMs() / (s.endpoints[i]!.servers * Math.max(1, durationMs - s.endpoints[i]!.joinS * 1000)), 4)),
    cost: { total: round(totalCost, 6), perMillionGood: round(rec.good ? (totalCost / rec.good) * 1e6 : 0, 6) },
    scorerTicks: scorer?.ticks ?? 0,
    pushes: publisher.pushes,
    ejections: clients.reduce((n, c) => n + (c instanceof EnvoyClient ? c.ejections : 0), 0),
  };
  const latencyCdf = CDF_PERCENTILES.map((p) => ({ percentile: p, ms: round(rec.percentileMs(p), 3) }));
  return { result, series: { latencyCdf, perSecond: rec.perSecond, weightShare: rec.weightShare, endpoints: E, bins: rec.bins } };
}
