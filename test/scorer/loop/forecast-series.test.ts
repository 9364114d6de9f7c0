/**
 * Forecast vs actual per endpoint: the tracker keeps the last forecasts that came due beside the
 * actual they were scored against, and exportForecastSeries turns them into the capped gauges the
 * forecasts dashboard plots.
 */
import assert from 'node:assert/strict';
import { createScorerMetrics } from '../../../scorer/metrics.ts';
import { AccuracyTracker } from '../../../scorer/loop/accuracy-tracker.ts';
import { exportForecastSeries } from '../../../scorer/loop/endpoint-series.ts';
import { rowId } from '../../../scorer/loop/endpoint-table.ts';
import type { ServiceRecord } from '../../../scorer/store/types.ts';

const ID = rowId({ service: 'api', endpoint: '10.0.0.1:80' });

describe('forecast vs actual per endpoint', () => {
  it('remembers the last forecasts scored against an actual, not the pending ones', () => {
    const t = new AccuracyTracker(1000);
    t.update(ID, 0, 50, 0, 5000, 120, 90);
    assert.equal(t.lastScored(ID), undefined, 'nothing has come due yet');
    // At the target time an actual of 100 ms arrives: the pending 120 / 90 are scored against it,
    // and the new forecasts (200 / 150) wait for their own target time.
    t.update(ID, 5000, 100, 5000, 10_000, 200, 150);
    assert.deepEqual(t.lastScored(ID), { model: 120, fallback: 90, actual: 100 });
    assert.deepEqual(t.accuracy(ID), { model: 0.8, fallback: 0.9 });
    t.resetModel();
    assert.ok(Number.isNaN(t.lastScored(ID)!.model), 'a new model has no scored forecast yet');
  });

  it('exports forecasts by forecaster and the actual, for scored endpoints only', async () => {
    const metrics = createScorerMetrics();
    const t = new AccuracyTracker(1000);
    t.update(ID, 0, 50, 0, 5000, 120, 90);
    t.update(ID, 5000, 100, 5000, 10_000, 200, 150);
    const records: ServiceRecord[] = [
      { weights: { service: 'api', weights: new Map([['10.0.0.1:80', 600], ['10.0.0.2:80', 400]]), modelVersion: 'm', computedAt: 5000 }, scores: new Map() } as unknown as ServiceRecord,
    ];
    exportForecastSeries(records, (id) => t.lastScored(id), metrics);
    const text = await metrics.registry.metrics();
    assert.match(text, /prescient_endpoint_forecast_latency_ms\{service="api",endpoint="10.0.0.1:80",forecaster="model"\} 120/);
    assert.match(text, /prescient_endpoint_forecast_latency_ms\{service="api",endpoint="10.0.0.1:80",forecaster="fallback"\} 90/);
    assert.match(text, /prescient_endpoint_actual_latency_ms\{service="api",endpoint="10.0.0.1:80"\} 100/);
    assert.doesNotMatch(text, /10\.0\.0\.2/, 'an endpoint with no scored forecast has no series');
  });
});
