import assert from 'node:assert/strict';
import { EndpointServer } from '../../../../sandbox/sim/endpoint/endpoint-server.ts';
import type { FaultSpec } from '../../../../sandbox/sim/endpoint/faults.ts';
import type { ServiceTimeSpec } from '../../../../sandbox/sim/endpoint/service-time.ts';
import { EventQueue } from '../../../../sandbox/sim/event-queue.ts';
import { SeededRng } from '../../../../sandbox/sim/rng.ts';

/** Erlang C: probability an arrival waits in an M/M/c queue with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = (term * c) / (c - a);
  return top / (sum + top);
}

interface Outcome {
  at: number;
  latency: number;
  ok: boolean;
  refused: boolean;
}

async function drive(o: { servers?: number; queueLimit?: number; serviceTime?: ServiceTimeSpec; faults?: FaultSpec[]; rps: number; seconds: number; seed?: number }) {
  const q = new EventQueue();
  const rng = new SeededRng(o.seed ?? 1);
  const server = new EndpointServer(
    { key: '10.0.0.1:80', zone: 'a', servers: o.servers ?? 4, queueLimit: o.queueLimit ?? 1e9, speed: 1, serviceTime: o.serviceTime ?? { dist: 'exponential', meanMs: 10 }, faults: o.faults ?? [], errorLatencyMs: 1, probeServiceMs: 0.5 },
    q,
    rng.fork('server'),
  );
  const arrivals = rng.fork('arrivals');
  const out: Outcome[] = [];
  const end = o.seconds * 1000;
  const arrive = () => {
    const t = q.now;
    server.submit((ok, refused) => out.push({ at: t, latency: q.now - t, ok, refused }));
    const next = t + arrivals.exp(1000 / o.rps);
    if (next < end) q.at(next, arrive);
  };
  q.at(0, arrive);
  await q.run(end + 60_000);
  return { out, server, q };
}

describe('simulated endpoint (multi-server queue with faults)', () => {
  it('M/M/c: the mean wait in queue matches Erlang C within 5% (c = 4, ρ = 0.8, 200,000 requests)', async () => {
    const c = 4;
    const meanMs = 10;
    const rps = 320; // λ = 0.32/ms, μ = 0.1/ms, a = 3.2, ρ = 0.8
    const { out } = await drive({ servers: c, rps, seconds: 625, seed: 3 });
    const a = (rps / 1000) * meanMs;
    const expectedWq = erlangC(c, a) / (c / meanMs - rps / 1000);
    const meanT = out.reduce((s, r) => s + r.latency, 0) / out.length;
    const wq = meanT - meanMs;
    assert.ok(out.length > 190_000);
    assert.ok(Math.abs(wq - expectedWq) / expectedWq < 0.05, `Wq ${wq.toFixed(3)} ms vs Erlang C ${expectedWq.toFixed(3)} ms`);
  });

  it('rejects at once beyond the queue limit', async () => {
    const { out, server } = await drive({ servers: 1, queueLimit: 2, rps: 1000, seconds: 2, serviceTime: { dist: 'exponential', meanMs: 50 } });
    assert.ok(server.rejected > 0);
    const rejected = out.filter((r) => !r.ok);
    assert.equal(rejected.length, server.rejected);
    assert.ok(rejected.every((r) => Math.abs(r.latency - 1) < 1e-6 && !r.refused));
  });

  it('faults: slowdown adds latency on the request path, not to probes unless asked; crash refuses and fails probes; fast errors fail at once', async () => {
    const base = { rps: 50, seconds: 20, serviceTime: { dist: 'lognormal', medianMs: 10, sigma: 0.01 } as ServiceTimeSpec };
    const slow = await drive({ ...base, faults: [{ kind: 'slowdown', endpoints: [0], atS: 10, extraMs: 200 }] });
    const before = slow.out.filter((r) => r.at < 10_000);
    const after = slow.out.filter((r) => r.at >= 10_000);
    assert.ok(before.every((r) => r.latency < 20));
    assert.ok(after.every((r) => r.latency >= 200));
    assert.ok(slow.server.probe()! < 1, 'probes answer fast: the slowdown is on the request path only');

    const crash = await drive({ ...base, faults: [{ kind: 'crash', endpoints: [0], atS: 5, untilS: 10 }] });
    const during = crash.out.filter((r) => r.at >= 5000 && r.at < 10_000);
    assert.ok(during.length > 0 && during.every((r) => r.refused && !r.ok));
    assert.ok(crash.out.filter((r) => r.at >= 10_000).every((r) => r.ok), 'recovers at untilS');

    const errors = await drive({ ...base, faults: [{ kind: 'gray-errors', endpoints: [0], atS: 0, rate: 0.2 }] });
    const rate = errors.out.filter((r) => !r.ok).length / errors.out.length;
    assert.ok(Math.abs(rate - 0.2) < 0.05, `gray error rate ${rate} of ${errors.out.length}`);
    assert.ok(errors.out.filter((r) => !r.ok).every((r) => Math.abs(r.latency - 1) < 1e-6));
  });

  it('degradation ramps the service time up and back down', async () => {
    const { out } = await drive({
      rps: 20,
      seconds: 40,
      serviceTime: { dist: 'lognormal', medianMs: 10, sigma: 0.01 },
      faults: [{ kind: 'degrade', endpoints: [0], atS: 10, factor: 5, rampS: 10, holdS: 10, recoverS: 10 }],
    });
    const mean = (from: number, to: number) => {
      const xs = out.filter((r) => r.at >= from * 1000 && r.at < to * 1000);
      return xs.reduce((s, r) => s + r.latency, 0) / xs.length;
    };
    assert.ok(mean(0, 10) < 11);
    assert.ok(mean(20, 30) > 45 && mean(20, 30) < 55, `held: ${mean(20, 30)}`);
    assert.ok(mean(30, 40) < mean(20, 30) && mean(30, 40) > 11);
  });
});
