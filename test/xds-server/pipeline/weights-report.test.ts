import assert from 'node:assert/strict';
import { SCORER_SLICE, type Decisions } from '../../../api/decisions.ts';
import { decodeRecord, encodeScores, encodeWeights } from '../../../scorer/store/record-codec.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { weightsReport } from '../../../xds-server/pipeline/weights-report.ts';
import { endpoint, meshConfig, service } from '../../support/config-builders.ts';

const config = meshConfig(service('greeter', { endpoints: [endpoint('10.0.0.1', 80), endpoint('10.0.0.2', 80, { draining: true }), endpoint('10.0.0.3', 80)] }));

function scored(outliers?: Map<string, 'error_threshold' | 'latency_threshold' | 'unavailable'>): Decisions {
  const weights = new Map([
    ['10.0.0.1:80', 900],
    ['10.0.0.2:80', 50],
    ['10.0.0.3:80', 1],
  ]);
  return new Map([[SCORER_SLICE, { weights: new Map([['greeter', { service: 'greeter', weights, computedAt: 0, ...(outliers && { outliers }) }]]) }]]);
}

describe('/debug/weights report: per-endpoint health and outlier state', () => {
  it('shows each endpoint\'s health and the scorer\'s outlier reason, from the model', () => {
    const report = weightsReport(buildMeshModel(config, scored(new Map([['10.0.0.3:80', 'error_threshold']])), 0));
    const rows = Object.fromEntries(report[0]!.endpoints.map((e) => [e.endpoint, { health: e.health, outlier: e.outlier, scorer: e.scorer }]));
    assert.deepEqual(rows, {
      '10.0.0.1:80': { health: 'serving', outlier: undefined, scorer: 900 },
      '10.0.0.2:80': { health: 'draining', outlier: undefined, scorer: 50 },
      '10.0.0.3:80': { health: 'serving', outlier: 'error_threshold', scorer: 1 },
    });
  });

  it('has no outlier field when the scorer took nothing out', () => {
    const report = weightsReport(buildMeshModel(config, scored(), 0));
    assert.ok(report[0]!.endpoints.every((e) => !('outlier' in e)));
  });

  it('keeps the outlier state through the Redis record, so followers report it too; unknown reasons are left out', () => {
    const weights = { service: 'greeter', weights: new Map([['10.0.0.3:80', 1]]), computedAt: 5, outliers: new Map([['10.0.0.3:80', 'latency_threshold' as const]]) };
    const record = { weights, scores: new Map([['10.0.0.3:80', 0]]) };
    const back = decodeRecord('greeter', encodeWeights(record), encodeScores(record));
    assert.deepEqual([...back.weights.outliers!], [['10.0.0.3:80', 'latency_threshold']]);
    const newer = decodeRecord('greeter', JSON.stringify({ w: { 'a:1': 1 }, t: 1, o: { 'a:1': 'quarantined' } }), undefined);
    assert.equal(newer.weights.outliers, undefined);
  });
});
