import assert from 'node:assert/strict';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { LoadReportAdapter } from '../../../scorer/telemetry/load-reports.ts';
import { littleLatencyMs, requestLatencyMs } from '../../../scorer/telemetry/request-latency.ts';
import type { LoadReport } from '../../../api/telemetry.ts';

const T0 = 1_700_000_000_000;

function report(endpoint: string, completed: number, inProgress: number): LoadReport {
  return {
    nodeId: 'envoy-1',
    cluster: 'svc',
    locality: { region: '', zone: '', subZone: '' },
    endpoint,
    intervalMs: 10_000,
    receivedAt: T0,
    successfulRequests: completed,
    errorRequests: 0,
    issuedRequests: completed,
    inProgressRequests: inProgress,
    loadMetrics: {},
  };
}

describe("request-path latency from load reports (Little's law)", () => {
  it('W = L / λ with much traffic; shrunk towards the cluster\'s value with little', () => {
    assert.equal(littleLatencyMs(20, 100), 200);
    assert.equal(littleLatencyMs(3, 0), undefined);
    // 200 req/s with 44 in flight: evidence dominates the prior (W₀ = 50 ms).
    const busy = requestLatencyMs(44, 200, 50)!;
    assert.ok(busy > 205 && busy < 220, String(busy));
    // 5 req/s with nothing in flight at report time: not "instant", close to the cluster's 50 ms.
    const idle = requestLatencyMs(0, 5, 50)!;
    assert.ok(idle > 25 && idle < 50, String(idle));
    assert.equal(requestLatencyMs(1, 5, undefined), undefined);
  });

  it('the adapter records request_latency_ms per endpoint, a slow request path standing out although probes never see it', () => {
    const store = new RingFeatureStore();
    const adapter = new LoadReportAdapter({ store });
    // Two endpoints at 200 req/s: one keeps 4 requests in flight (20 ms), one 44 (220 ms).
    adapter.onLoadReport(report('10.0.0.1:80', 2000, 4));
    adapter.onLoadReport(report('10.0.0.2:80', 2000, 44));
    const fast = store.latest('svc', '10.0.0.1:80', 'request_latency_ms')!.value;
    const slow = store.latest('svc', '10.0.0.2:80', 'request_latency_ms')!.value;
    assert.ok(fast > 15 && fast < 30, `fast ${fast}`);
    assert.ok(slow > 200 && slow < 225, `slow ${slow}`);
  });
});
