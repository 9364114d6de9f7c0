/**
 * Fidelity of the simulator against reality (issue 9): the closed-loop scenario — three real gRPC
 * servers, one made 200 ms slower (requests and health checks), real @grpc/grpc-js-xds clients
 * reporting load over LRS, the real Prescient scoring every 500 ms — and the same scenario in the
 * simulator (sandbox/sim: proxyless clients on what translate renders, the production scorer and
 * ONNX model, the same probe, report and scoring intervals). The slow endpoint's share of answered
 * requests must agree within ±10 points 10 s and 60 s after the fault.
 *
 * Both sides get open-loop load (100 req/s): under closed-loop load a slow backend's share of
 * answers falls by itself (its callers wait), which the simulator's open-loop clients would not
 * reproduce.
 */
import assert from 'node:assert/strict';
import { loadForecaster } from '../../scorer/forecast/onnx-forecaster.ts';
import { simulate } from '../../sandbox/sim/simulate.ts';
import type { Scenario } from '../../sandbox/sim/scenario/scenario.ts';
import { eventually } from '../support/eventually.ts';
import { OpenLoad } from '../support/open-load.ts';
import { ScoredMesh } from '../support/scored-loop.ts';

const RPS = 100;
const FAULT_AT_S = 10;
/** Windows [from, to) in seconds after the fault where the shares are compared. */
const WINDOWS: readonly [number, number][] = [
  [9, 11],
  [58, 60],
];
const TOLERANCE = 0.1;

/** The real test's setup in the simulator's terms (scoredMesh: probes 250 ms, scoring 500 ms; LRS 1 s). */
const SCENARIO: Scenario = {
  name: 'closed-loop-fidelity',
  durationS: FAULT_AT_S + 62,
  // Node gRPC servers answer at once and hold no worker while a timer delays the answer.
  endpoints: [0, 1, 2].map(() => ({ servers: 256, queueLimit: 1024, serviceTime: { dist: 'lognormal' as const, medianMs: 0.5, sigma: 0.5 } })),
  clients: { count: 2, flavor: 'grpc' },
  load: { kind: 'constant', rps: RPS },
  faults: [{ kind: 'slowdown', endpoints: [0], atS: FAULT_AT_S, extraMs: 200, probe: true }],
  controlPlane: { probeIntervalS: 0.25, lrsIntervalS: 1, pushDelayMs: 60, applyDelayMs: 20 },
  networkMs: 0.2,
};

function simulatedShares(perSecond: Uint32Array, endpoints: number): number[] {
  return WINDOWS.map(([from, to]) => {
    let slow = 0;
    let all = 0;
    for (let b = FAULT_AT_S + from; b < FAULT_AT_S + to; b++) {
      for (let e = 0; e < endpoints; e++) all += perSecond[b * endpoints + e]!;
      slow += perSecond[b * endpoints]!;
    }
    return all ? slow / all : 0;
  });
}

describe('e2e: simulator fidelity — the closed scoring loop, real vs simulated', function () {
  this.timeout(150_000);
  let mesh: ScoredMesh;
  let load: OpenLoad | undefined;

  before(async () => {
    mesh = await ScoredMesh.start(['s1', 's2', 's3']);
  });

  after(async () => {
    await load?.stop();
    await mesh?.stop();
  });

  it('the slow endpoint’s share agrees within ±10 points at 10 s and 60 s after +200 ms', async () => {
    const forecaster = await loadForecaster({});
    const sim = await simulate(SCENARIO, { policy: { name: 'prescient', kind: 'prescient', scoringPolicy: { interval: '500ms' } }, seed: 1, forecaster });
    await forecaster.close();
    const simulated = simulatedShares(sim.series.perSecond, sim.series.endpoints);

    load = new OpenLoad(mesh.clients, RPS);
    // Same warm-up as the simulation: the fault comes FAULT_AT_S after the load starts.
    await eventually(() => load!.elapsedS >= FAULT_AT_S, 30_000, 50);
    mesh.backends[0]!.faults.latencyMs = 200;
    const faultAt = Math.floor(load.elapsedS);
    const last = WINDOWS.at(-1)![1];
    await eventually(() => load!.elapsedS >= faultAt + last + 1, 90_000, 200);
    const real = WINDOWS.map(([from, to]) => load!.share(faultAt + from, faultAt + to, (k) => k === 's1'));

    const report = WINDOWS.map(([from, to], i) => `[${from}–${to}) s: real ${(100 * real[i]!.share).toFixed(1)}% of ${real[i]!.total}, simulated ${(100 * simulated[i]!).toFixed(1)}%`).join('; ');
    console.log(`      slow endpoint's share — ${report}`);
    for (let i = 0; i < WINDOWS.length; i++) {
      assert.ok(real[i]!.total > RPS, `too few answers in window ${i}: ${report}`);
      assert.ok(Math.abs(real[i]!.share - simulated[i]!) <= TOLERANCE, report);
    }
  });
});
