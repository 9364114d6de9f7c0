/**
 * The whole server (root, scorer, model, translate, transport) twice in one process, each on its
 * own virtual clock and with its own metric registries (issue 6): time-bound config expires on one
 * server's clock only, each scorer ticks on its own clock, and neither server's metrics count the
 * other's work.
 */
import assert from 'node:assert/strict';
import { VirtualClock } from '../../../api/virtual-clock.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { PrescientHarness, type DocSpec } from '../../support/prescient-harness.ts';
import { nodeMessage, RawXdsClient } from '../../support/raw-ads-client.ts';

const A_START = Date.parse('2030-01-01T00:00:00Z');
const B_START = Date.parse('2031-06-01T00:00:00Z');
const PIN_FOR_MS = 60_000;

/** A two-endpoint service whose first endpoint is drained until `start` + PIN_FOR_MS. */
function mesh(start: number): DocSpec[] {
  return [
    { kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '10.0.0.1', port: 50051 }, { address: '10.0.0.2', port: 50051 }] } },
    { kind: 'ScoringPolicy', name: 'greeter', spec: { services: ['greeter'], interval: '1s' } },
    { kind: 'WeightOverride', name: 'drain-1', spec: { service: 'greeter', endpoint: '10.0.0.1:50051', drain: true, expiresAt: new Date(start + PIN_FOR_MS).toISOString() } },
  ];
}

async function counter(h: PrescientHarness, registry: 'xds' | 'scorer', name: string): Promise<number> {
  const metrics = registry === 'xds' ? h.prescient.xdsMetrics.registry : h.prescient.scorerMetrics.registry;
  const found = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
  return (found?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

describe('two servers in one process, each on a virtual clock', function () {
  this.timeout(60_000);
  const clocks = { a: new VirtualClock(A_START), b: new VirtualClock(B_START) };
  let a: PrescientHarness;
  let b: PrescientHarness;
  const clients: RawXdsClient[] = [];

  before(async () => {
    a = await PrescientHarness.start(mesh(A_START), { clock: clocks.a, scorer: { retrain: false } });
    b = await PrescientHarness.start(mesh(B_START), { clock: clocks.b, scorer: { retrain: false } });
  });

  after(async () => {
    for (const c of clients) c.close();
    await a?.stop();
    await b?.stop();
  });

  const draining = (h: PrescientHarness) => h.prescient.currentModel().clusters.get('greeter')!.endpoints[0]!.health === 'draining';

  async function edsStatuses(h: PrescientHarness, clock: VirtualClock) {
    const client = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
    clients.push(client);
    const ads = client.sotw();
    ads.send({ node: nodeMessage({ id: 'sidecar', user_agent_name: 'envoy' }), type_url: TYPE_URL.endpoint, resource_names: ['greeter'] });
    await clock.advance(10);
    const first = await ads.next(5000);
    return (first.resources[0]!.message as any).endpoints.flatMap((l: any) => l.lb_endpoints.map((e: any) => e.health_status ?? 'UNKNOWN'));
  }

  it('expires config on each server by its own clock, and serves what its own model says', async () => {
    await clocks.a.advance(500);
    await clocks.b.advance(500);
    assert.ok(draining(a) && draining(b));
    assert.ok((await edsStatuses(a, clocks.a)).includes('DRAINING'));

    await clocks.a.advance(PIN_FOR_MS);
    await a.prescient.settled();
    assert.equal(draining(a), false, "A's override expired on A's clock");
    assert.equal(draining(b), true, "B's clock did not move: its override still holds");
    assert.equal(a.prescient.currentModel().now >= A_START + PIN_FOR_MS, true);
    assert.ok(!(await edsStatuses(a, clocks.a)).includes('DRAINING'), 'A serves the endpoint again');
    assert.ok((await edsStatuses(b, clocks.b)).includes('DRAINING'), 'B still drains it');
  });

  it('ticks each scorer on its own clock and keeps each server\'s metrics to itself', async () => {
    const before = { a: await counter(a, 'scorer', 'prescient_scorer_ticks_total'), b: await counter(b, 'scorer', 'prescient_scorer_ticks_total') };
    for (let i = 0; i < 5; i++) await clocks.a.advance(1_000);
    const after = { a: await counter(a, 'scorer', 'prescient_scorer_ticks_total'), b: await counter(b, 'scorer', 'prescient_scorer_ticks_total') };
    assert.ok(after.a - before.a >= 4, `A ticked on its clock (${after.a - before.a} ticks in 5 virtual seconds)`);
    assert.equal(after.b, before.b, 'B did not tick: its clock stood still, and A\'s ticks are not counted in B\'s registry');
    assert.ok((await counter(a, 'xds', 'prescient_push_triggers_total')) > (await counter(b, 'xds', 'prescient_push_triggers_total')), 'pushes are counted per server');
    const aPage = await a.admin('/metrics');
    assert.match(aPage.body, /prescient_scorer_ticks_total/);
  });
});
