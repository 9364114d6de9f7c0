import assert from 'node:assert/strict';
import { endpointLocality } from '../../../api/locality.ts';
import type { LoadReport } from '../../../api/telemetry.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { LoadReportAdapter } from '../../../scorer/telemetry/load-reports.ts';
import { capInfluence } from '../../../scorer/telemetry/source-influence.ts';

const T0 = 1_700_000_000_000;
const EP = '10.0.0.7:50051';

function report(source: string, nodeId: string, o: Partial<LoadReport> = {}): LoadReport {
  const loc = endpointLocality({ region: 'eu', zone: 'eu-1a' }, EP);
  return {
    nodeId,
    source,
    cluster: 'greeter',
    locality: { region: loc.region, zone: loc.zone, subZone: loc.subZone },
    intervalMs: 10_000,
    receivedAt: T0,
    successfulRequests: 100,
    errorRequests: 0,
    issuedRequests: 100,
    inProgressRequests: 2,
    loadMetrics: {},
    ...o,
  };
}

const ATTACK = { successfulRequests: 0, errorRequests: 1_000_000, inProgressRequests: 1_000_000 };

describe('one telemetry source cannot swing an endpoint', () => {
  it('capInfluence: a weight is at most maxShare of the whole against the others; one source is left alone', () => {
    assert.deepEqual(capInfluence([100, 200, 1e6], 1 / 3).map((w) => Math.round(w * 1e6) / 1e6), [100, 200, 150]);
    assert.deepEqual(capInfluence([1e6], 1 / 3), [1e6]);
    assert.deepEqual(capInfluence([0, 1e6], 1 / 3), [0, 1e6], 'no other source has a say: nothing to weigh it against');
    assert.deepEqual(capInfluence([100, 1e6], 1), [100, 1e6], 'maxShare 1 turns the cap off');
  });

  function adapterWith(maxSourceShare?: number) {
    const store = new RingFeatureStore();
    const adapter = new LoadReportAdapter({ store, ...(maxSourceShare !== undefined && { maxSourceShare }) });
    return { store, adapter, latest: (m: 'error_rate' | 'request_latency_ms' | 'rps') => store.latest('greeter', EP, m)!.value };
  }

  it('a source reporting a million errors beside two healthy sources moves the error rate to at most a third', () => {
    const { adapter, latest } = adapterWith();
    adapter.onLoadReport(report('spiffe://mesh/ns/a/sa/web', 'web-1'));
    adapter.onLoadReport(report('spiffe://mesh/ns/b/sa/api', 'api-1', { receivedAt: T0 + 100 }));
    const honestLatency = latest('request_latency_ms');
    adapter.onLoadReport(report('spiffe://mesh/ns/evil/sa/x', 'x-1', { receivedAt: T0 + 200, ...ATTACK }));
    assert.ok(latest('error_rate') <= 1 / 3 + 1e-6, `error rate ${latest('error_rate')}`);
    // Little's law: the attacker claims a million requests in flight; its say in the latency is capped too.
    assert.ok(latest('request_latency_ms') < 100 * honestLatency, `latency ${latest('request_latency_ms')} vs ${honestLatency}`);
    assert.equal(latest('rps'), 20 + 100_000, 'request totals are load, kept as reported');
  });

  it('node ids do not multiply a source: many nodes under one identity are one voice', () => {
    const { adapter, latest } = adapterWith();
    adapter.onLoadReport(report('spiffe://mesh/ns/a/sa/web', 'web-1'));
    adapter.onLoadReport(report('spiffe://mesh/ns/b/sa/api', 'api-1'));
    for (let i = 0; i < 50; i++) adapter.onLoadReport(report('spiffe://mesh/ns/evil/sa/x', `x-${i}`, { receivedAt: T0 + i, successfulRequests: 0, errorRequests: 100 }));
    assert.ok(latest('error_rate') <= 1 / 3 + 1e-6, `error rate ${latest('error_rate')}`);
  });

  it('without the cap (maxSourceShare 1) the same attack takes the error rate to ~1, so the cap is what holds', () => {
    const { adapter, latest } = adapterWith(1);
    adapter.onLoadReport(report('spiffe://mesh/ns/a/sa/web', 'web-1'));
    adapter.onLoadReport(report('spiffe://mesh/ns/b/sa/api', 'api-1'));
    adapter.onLoadReport(report('spiffe://mesh/ns/evil/sa/x', 'x-1', ATTACK));
    assert.ok(latest('error_rate') > 0.99, `error rate ${latest('error_rate')}`);
  });

  it('a real failure every source sees is reported in full', () => {
    const { adapter, latest } = adapterWith();
    for (const s of ['a', 'b', 'c']) adapter.onLoadReport(report(`spiffe://mesh/ns/${s}/sa/x`, `${s}-1`, { successfulRequests: 20, errorRequests: 80 }));
    assert.ok(Math.abs(latest("error_rate") - 0.8) < 1e-6, `error rate ${latest('error_rate')}`);
  });

  it('a lone source is the only evidence and counts in full (the limit is relative to other sources)', () => {
    const { adapter, latest } = adapterWith();
    adapter.onLoadReport(report('spiffe://mesh/ns/a/sa/web', 'web-1', { successfulRequests: 50, errorRequests: 50 }));
    assert.equal(latest('error_rate'), 0.5);
  });
});
