import assert from 'node:assert/strict';
import { endpointLocality } from '../../../api/locality.ts';
import type { LoadReport } from '../../../api/telemetry.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { LoadReportAdapter } from '../../../scorer/telemetry/load-reports.ts';
import { registry } from '../../../scorer/metrics.ts';

const T0 = 1_700_000_000_000;
const EP = '10.0.0.7:50051';

function grpcReport(overrides: Partial<LoadReport> = {}): LoadReport {
  const loc = endpointLocality({ region: 'eu', zone: 'eu-1a' }, EP);
  return {
    nodeId: 'client-a',
    cluster: 'greeter',
    locality: { region: loc.region, zone: loc.zone, subZone: loc.subZone },
    intervalMs: 10_000,
    receivedAt: T0,
    successfulRequests: 90,
    errorRequests: 10,
    issuedRequests: 100,
    inProgressRequests: 3,
    loadMetrics: {},
    ...overrides,
  };
}

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const v = metric?.values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return Number(v?.value ?? 0);
}

describe('LoadReportAdapter', () => {
  let store: RingFeatureStore;
  let adapter: LoadReportAdapter;
  beforeEach(() => {
    store = new RingFeatureStore();
    adapter = new LoadReportAdapter({ store });
  });

  it('attributes a gRPC per-locality report to the endpoint in its sub_zone', () => {
    adapter.onLoadReport(grpcReport());
    assert.deepEqual(store.endpoints('greeter'), [EP]);
    assert.equal(store.latest('greeter', EP, 'rps')?.value, 10, '100 completed over 10 s');
    assert.equal(Math.round(store.latest('greeter', EP, 'error_rate')!.value * 100) / 100, 0.1);
    assert.equal(store.latest('greeter', EP, 'in_flight')?.value, 3);
  });

  it('uses the endpoint of an Envoy per-endpoint report', () => {
    adapter.onLoadReport(grpcReport({ locality: { region: 'eu', zone: 'eu-1a', subZone: '' }, endpoint: '10.0.0.9:8080', nodeId: 'envoy-1' }));
    assert.deepEqual(store.endpoints('greeter'), ['10.0.0.9:8080']);
  });

  it('adds up reports from several clients for the same endpoint within a bucket', () => {
    adapter.onLoadReport(grpcReport({ nodeId: 'a', successfulRequests: 100, errorRequests: 0, inProgressRequests: 2 }));
    adapter.onLoadReport(grpcReport({ nodeId: 'b', receivedAt: T0 + 300, successfulRequests: 0, errorRequests: 50, inProgressRequests: 5 }));
    assert.equal(store.latest('greeter', EP, 'rps')?.value, 15);
    assert.equal(store.latest('greeter', EP, 'in_flight')?.value, 7);
    assert.equal(Math.round(store.latest('greeter', EP, 'error_rate')!.value * 1000) / 1000, 0.333);
    assert.deepEqual([...store.window('greeter', EP, 'rps', 1, T0 + 500)], [15]);
  });

  it('keeps counting a client between its reports and forgets it once stale', () => {
    adapter.onLoadReport(grpcReport({ nodeId: 'a', successfulRequests: 100, errorRequests: 0 }));
    adapter.onLoadReport(grpcReport({ nodeId: 'b', receivedAt: T0 + 5000, successfulRequests: 50, errorRequests: 0 }));
    assert.equal(store.latest('greeter', EP, 'rps')?.value, 15, 'a reported 5 s ago for a 10 s interval: still live');
    adapter.onLoadReport(grpcReport({ nodeId: 'b', receivedAt: T0 + 25_000, successfulRequests: 50, errorRequests: 0 }));
    assert.equal(store.latest('greeter', EP, 'rps')?.value, 5, 'a is silent for more than two intervals');
  });

  it('a client reporting twice replaces its own contribution instead of adding to it', () => {
    adapter.onLoadReport(grpcReport({ intervalMs: 1000, successfulRequests: 10, errorRequests: 0 }));
    adapter.onLoadReport(grpcReport({ intervalMs: 1000, receivedAt: T0 + 1000, successfulRequests: 20, errorRequests: 0 }));
    assert.equal(store.latest('greeter', EP, 'rps')?.value, 20);
  });

  it('maps named load metrics: cpu_utilization to cpu, others to custom metrics averaged per request', () => {
    adapter.onLoadReport(grpcReport({ nodeId: 'a', loadMetrics: { cpu_utilization: { sum: 30, count: 100 }, 'queue.depth': { sum: 10, count: 5 } } }));
    adapter.onLoadReport(grpcReport({ nodeId: 'b', loadMetrics: { cpu_utilization: { sum: 50, count: 100 } } }));
    assert.equal(Math.round(store.latest('greeter', EP, 'cpu')!.value * 100) / 100, 0.4);
    assert.equal(store.latest('greeter', EP, 'custom:queue_depth')?.value, 2);
  });

  it('drops and counts reports it cannot attribute, without throwing', async () => {
    const before = await counter('prescient_telemetry_dropped_total', { source: 'lrs', reason: 'unattributed' });
    adapter.onLoadReport(grpcReport({ locality: { region: 'eu', zone: 'eu-1a', subZone: 'rack-3' } }));
    adapter.onLoadReport(grpcReport({ intervalMs: 0 }));
    assert.deepEqual(store.endpoints('greeter'), []);
    assert.equal(await counter('prescient_telemetry_dropped_total', { source: 'lrs', reason: 'unattributed' }), before + 1);
  });

  it('bounds the reporters it tracks per endpoint', () => {
    const small = new LoadReportAdapter({ store, maxReportersPerEndpoint: 2 });
    for (const nodeId of ['a', 'b', 'c']) small.onLoadReport(grpcReport({ nodeId, successfulRequests: 10, errorRequests: 0 }));
    assert.equal(store.latest('greeter', EP, 'rps')?.value, 2);
  });
});
