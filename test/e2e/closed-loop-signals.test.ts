/**
 * The scorer on real clients and real servers, for the signals issue 9 found missing or misread:
 * a slow request path behind fast health checks, servers without grpc.health.v1, and a server with
 * three times its peers' capacity under steady open-loop load, whose commanded share must settle
 * (with `damping.evidence`; the default loop does not settle there, see the README).
 * Real @grpc/grpc-js-xds clients send real RPCs; Prescient learns only from its probes and the
 * clients' LRS reports.
 */
import assert from 'node:assert/strict';
import type { BackendServer } from '../support/backend-servers.ts';
import { EVIDENCE_Z } from '../../scorer/score/evidence.ts';
import { ScoredLoop, ScoredMesh } from '../support/scored-loop.ts';
import { eventually } from '../support/eventually.ts';
import { OpenLoad } from '../support/open-load.ts';
import type { PrescientHarness } from '../support/prescient-harness.ts';
import { SteadyLoad } from '../support/steady-load.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The share of the weights Prescient commands for `endpoint` in `service` (from /debug/weights). */
async function commandedShare(h: PrescientHarness, service: string, endpoint: string): Promise<number | undefined> {
  const body = await h.adminJson<{ services: { service: string; endpoints: { endpoint: string; effective: number }[] }[] }>('/debug/weights');
  const svc = body.services.find((s) => s.service === service);
  if (!svc) return undefined;
  const total = svc.endpoints.reduce((a, e) => a + e.effective, 0);
  const e = svc.endpoints.find((x) => x.endpoint === endpoint);
  return e && total > 0 ? e.effective / total : undefined;
}

/** Direction reversals in a series: sign changes between successive moves, however small. */
function reversals(series: readonly number[]): number {
  let count = 0;
  let direction = 0;
  for (let i = 1; i < series.length; i++) {
    const d = Math.sign(series[i]! - series[i - 1]!);
    if (d === 0) continue;
    if (direction !== 0 && d !== direction) count++;
    direction = d;
  }
  return count;
}

describe('e2e: scorer signals on real clients and servers', function () {
  this.timeout(120_000);

  describe('+200 ms on the request path only (health checks answer fast)', () => {
    let loop: ScoredLoop;
    let backends: BackendServer[];
    let load: SteadyLoad;

    before(async () => {
      loop = await ScoredLoop.start(['s1', 's2', 's3']);
      ({ backends, load } = loop);
    });

    after(async () => loop?.stop());

    it('the slow backend falls below 10% of the traffic within 10 s', async () => {
      backends[0]!.faults.requestLatencyMs = 200;
      const injected = Date.now();
      const seen: string[] = [];
      const fell = await eventually(async () => {
        const w = await load.shareOver(1000, (k) => k === 's1');
        seen.push(w.share.toFixed(2));
        return w.share < 0.1;
      }, 10_000, 0).then(() => true, () => false);
      assert.ok(fell && Date.now() - injected <= 11_000, `s1's share per second: ${seen.join(' ')}`);
    });
  });

  describe('three backends without grpc.health.v1 (every gRPC probe answers UNIMPLEMENTED)', () => {
    let loop: ScoredLoop;
    let load: SteadyLoad;

    before(async () => {
      loop = await ScoredLoop.start(['n1', 'n2', 'n3'], { health: false }, { balanced: false });
      ({ load } = loop);
    });

    after(async () => loop?.stop());

    it('no backend gets more than 45% of the traffic', async () => {
      // Long enough for many failed probe rounds, several load reports and scorer ticks.
      await sleep(5000);
      for (let i = 0; i < 5; i++) {
        const w = new Map<string, number>();
        for (const id of ['n1', 'n2', 'n3']) w.set(id, 0);
        load.take();
        await sleep(2000);
        let total = 0;
        for (const [k, n] of load.take()) {
          total += n;
          if (w.has(k)) w.set(k, w.get(k)! + n);
        }
        assert.ok(total > 50, `only ${total} calls in 2 s`);
        for (const [id, n] of w) assert.ok(n / total <= 0.45, `${id} got ${((100 * n) / total).toFixed(1)}% of ${total} calls (window ${i})`);
      }
    });
  });

  describe('a backend with 3x the capacity of its two peers, at 70% open-loop load, with damping.evidence 5', () => {
    let mesh: ScoredMesh;
    let load: OpenLoad | undefined;

    // Two slots each; 100 ms per call on the slow ones (20 req/s), 33 ms on the fast one
    // (60 req/s): 100 req/s in all, loaded at 70 req/s. Slow service times and a low rate keep the
    // test process (clients, servers and Prescient in one event loop) far from its own limits.
    before(async () => {
      // Shares move only on evidence beyond the noise (scorer/score/evidence.ts): with a few
      // requests in flight per endpoint, load reports are too noisy to steer by tick to tick, and
      // without it the share wanders between ~0.6 and ~0.8 with ~30 reversals a minute.
      const slots = (id: string) => ({ capacity: { slots: 2, serviceMs: id === 'fast' ? 100 / 3 : 100 } });
      mesh = await ScoredMesh.start(['fast', 'slow1', 'slow2'], slots, { damping: { evidence: EVIDENCE_Z } });
    });

    after(async () => {
      await load?.stop();
      await mesh?.stop();
    });

    it('its commanded share settles: fewer than 3 direction reversals in the minute after the first 20 s', async () => {
      load = new OpenLoad(mesh.clients, 70);
      const fast = mesh.backends[0]!.endpoint;
      const started = Date.now();
      const series: { at: number; share: number }[] = [];
      while (Date.now() - started < 80_000) {
        const share = await commandedShare(mesh.h, 'scored', fast);
        if (share !== undefined) series.push({ at: Date.now() - started, share });
        await sleep(250);
      }
      const settled = series.filter((x) => x.at >= 20_000);
      const trace = settled.map((x) => `${(x.at / 1000).toFixed(0)}s:${x.share.toFixed(3)}`).join(' ');
      assert.ok(settled.length > 100, `only ${settled.length} readings`);
      const n = reversals(settled.map((x) => x.share));
      assert.ok(n < 3, `${n} reversals in the minute after 20 s: ${trace}`);
      // And it settled somewhere sensible: the fast backend carries more than a fair third.
      assert.ok(Math.min(...settled.slice(-20).map((x) => x.share)) > 1 / 3, `fast backend's share: ${trace}`);
      // Operators can see why: scorings that kept the shares for want of evidence are counted.
      const held = (await mesh.h.prescient.scorerMetrics.registry.getMetricsAsJSON()).find((m) => m.name === 'prescient_scorer_shares_held_total');
      const noEvidence = held?.values.find((v) => v.labels.reason === 'no_evidence')?.value ?? 0;
      assert.ok(noEvidence > 50, `prescient_scorer_shares_held_total{reason="no_evidence"} ${noEvidence}`);
      console.log(`      fast backend's commanded share, ${n} reversals after 20 s: ${series.filter((_, i) => i % 16 === 0).map((x) => `${(x.at / 1000).toFixed(0)}s:${x.share.toFixed(2)}`).join(' ')}`);
    });
  });
});
