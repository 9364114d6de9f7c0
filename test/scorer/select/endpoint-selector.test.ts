import assert from 'node:assert/strict';
import type { MeshConfig } from '../../../api/config.ts';
import type { Decisions } from '../../../api/decisions.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import { EndpointSelector } from '../../../scorer/select/endpoint-selector.ts';
import { endpoint, meshConfig, service, weightOverride } from '../../support/config-builders.ts';
import { seeded } from '../score/builders.ts';

const cfg = (...extra: Parameters<typeof meshConfig>) =>
  meshConfig(
    service('echo', {
      endpoints: [
        endpoint('10.0.0.1', 80, { hostname: 'a.echo.example', metadata: { network: 'east' } }),
        endpoint('10.0.0.2', 80, { metadata: { network: 'west' } }),
        endpoint('10.0.0.3', 80, { metadata: { network: 'west' } }),
      ],
    }),
    ...extra,
  );

const decisions: Decisions = new Map([
  ['scorer', { weights: new Map([['echo', { service: 'echo', weights: new Map([['10.0.0.1:80', 800], ['10.0.0.2:80', 150], ['10.0.0.3:80', 50]]), computedAt: 0, modelVersion: 'm7' }]]) }],
]);

const modelOf = (config: MeshConfig) => () => buildMeshModel(config, decisions, 0);

function counts(sel: EndpointSelector, n: number, network = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = sel.select('echo', network);
    const k = `${e.address}:${e.port}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

describe('EndpointSelector', () => {
  it('draws endpoints in proportion to the current weights', () => {
    const sel = new EndpointSelector({ model: modelOf(cfg()), rng: seeded(3) });
    const c = counts(sel, 5000);
    assert.ok(Math.abs(c.get('10.0.0.1:80')! / 5000 - 0.8) < 0.03);
    assert.ok(Math.abs(c.get('10.0.0.3:80')! / 5000 - 0.05) < 0.02);
  });

  it('favours the best endpoints more as forecast confidence rises', () => {
    const low = counts(new EndpointSelector({ model: modelOf(cfg()), rng: seeded(3), confidence: () => 0 }), 3000);
    const high = counts(new EndpointSelector({ model: modelOf(cfg()), rng: seeded(3), confidence: () => 1 }), 3000);
    assert.ok(high.get('10.0.0.1:80')! > low.get('10.0.0.1:80')!);
  });

  it('returns address, port, DNS name and model version', () => {
    const sel = new EndpointSelector({ model: modelOf(cfg()), rng: () => 0 });
    assert.deepEqual(sel.select('echo'), { address: '10.0.0.1', port: 80, dnsName: 'a.echo.example', weight: 800, totalWeight: 1000, modelVersion: 'm7' });
  });

  it('prefers endpoints in the client network', () => {
    const sel = new EndpointSelector({ model: modelOf(cfg()), rng: seeded(9) });
    assert.deepEqual([...counts(sel, 200, 'west').keys()].sort(), ['10.0.0.2:80', '10.0.0.3:80']);
    assert.equal(counts(sel, 50, 'nowhere').size, 3);
  });

  it('respects WeightOverrides: drained endpoints are never chosen, pins apply', () => {
    const config = cfg(
      weightOverride('drain-a', { service: 'echo', endpoint: '10.0.0.1:80', drain: true }),
      weightOverride('pin-c', { service: 'echo', endpoint: '10.0.0.3:80', pin: 150 }),
    );
    const sel = new EndpointSelector({ model: modelOf(config), rng: seeded(5) });
    const c = counts(sel, 4000);
    assert.equal(c.get('10.0.0.1:80'), undefined);
    assert.ok(Math.abs(c.get('10.0.0.3:80')! / 4000 - 0.5) < 0.04);
  });

  it('fails with stable codes for unknown services and fully drained ones', () => {
    const drained = cfg(weightOverride('all', { service: 'echo', drain: true }));
    assert.throws(() => new EndpointSelector({ model: modelOf(cfg()) }).select('nope'), { code: 'SELECT_NOT_FOUND' });
    assert.throws(() => new EndpointSelector({ model: modelOf(cfg()) }).select(''), { code: 'SELECT_INVALID_ARGUMENT' });
    assert.throws(() => new EndpointSelector({ model: modelOf(drained) }).select('echo'), { code: 'SELECT_UNAVAILABLE' });
  });
});
