import assert from 'node:assert/strict';
import type { Decisions } from '../../../../api/decisions.ts';
import { decodeMesh } from '../../../../sandbox/sim/decode/decode-mesh.ts';
import type { SimClient } from '../../../../sandbox/sim/lb/client-types.ts';
import { EnvoyClient } from '../../../../sandbox/sim/lb/envoy-client.ts';
import { GrpcClient } from '../../../../sandbox/sim/lb/grpc-client.ts';
import { SeededRng } from '../../../../sandbox/sim/rng.ts';
import { buildMeshModel } from '../../../../xds-server/model/build-mesh-model.ts';
import { translate, type ClientFlavor } from '../../../../xds-server/translate/index.ts';
import { decisions, endpoint, meshConfig, resetDocumentCounter, route, rule, service } from '../../../support/config-builders.ts';

const KEYS = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'];
const indexOf = (k: string) => KEYS.indexOf(k);

function rendered(flavor: ClientFlavor, d: Decisions, extra: Parameters<typeof meshConfig> = []) {
  const config = meshConfig(
    service('greeter', { endpoints: KEYS.map((k) => endpoint(k.split(':')[0]!, 80, { locality: { region: 'r', zone: 'z' } })), outlierDetection: { consecutive5xx: 3 } }),
    ...extra,
  );
  return decodeMesh(translate(buildMeshModel(config, d, 0), { group: 'g', flavor, labels: {} }), flavor);
}

function shares(client: SimClient, picks: number): number[] {
  const c = [0, 0, 0];
  for (let i = 0; i < picks; i++) c[client.pick(i)!.index]!++;
  return c.map((x) => x / picks);
}

const envoy = (seed = 1) => new EnvoyClient({ name: 'c', cluster: 'greeter', rng: new SeededRng(seed), now: () => 0, indexOf });
const grpc = (seed = 1) => new GrpcClient({ name: 'c', cluster: 'greeter', rng: new SeededRng(seed), now: () => 0, indexOf });

describe('simulated clients consume what translate renders', () => {
  beforeEach(() => resetDocumentCounter());

  it('Envoy: the scorer\'s weights arrive as lb_endpoints weights and the EDF client follows them exactly', () => {
    const mesh = rendered('envoy', decisions({ greeter: { '10.0.0.1:80': 600, '10.0.0.2:80': 300, '10.0.0.3:80': 100 } }));
    assert.equal(mesh.clusters.get('greeter')!.lbPolicy, 'ROUND_ROBIN');
    assert.equal(mesh.clusters.get('greeter')!.outlierDetection!.consecutive5xx, 3);
    const c = envoy();
    c.apply(mesh);
    const s = shares(c, 100_000);
    [0.6, 0.3, 0.1].forEach((e, i) => assert.ok(Math.abs(s[i]! - e) < 0.001, `${i}: ${s[i]}`));
  });

  it('proxyless gRPC: the weights arrive as one locality per endpoint and the weighted-target client follows them', () => {
    const mesh = rendered('grpc', decisions({ greeter: { '10.0.0.1:80': 600, '10.0.0.2:80': 300, '10.0.0.3:80': 100 } }));
    const a = mesh.assignments.get('greeter')!;
    assert.equal(a.priorities[0]!.length, 3, 'one locality per endpoint');
    const c = grpc();
    c.apply(mesh);
    const s = shares(c, 200_000);
    [0.6, 0.3, 0.1].forEach((e, i) => assert.ok(Math.abs(s[i]! - e) < 0.01, `${i}: ${s[i]}`));
  });

  it('a draining endpoint gets nothing and counts against its priority: P0 with 1 of 2 hosts healthy keeps 70%, P1 takes 30%', () => {
    const d: Decisions = new Map([
      ['failover', { endpoints: [{ service: 'greeter', endpoint: '10.0.0.3:80', priority: 1 }, { service: 'greeter', endpoint: '10.0.0.2:80', health: 'draining' as const }] }],
    ]);
    const mesh = rendered('envoy', d);
    assert.equal(mesh.assignments.get('greeter')!.priorities.length, 2);
    const c = envoy();
    c.apply(mesh);
    const s = shares(c, 20_000);
    assert.equal(s[1], 0);
    assert.ok(Math.abs(s[0]! - 0.7) < 0.01 && Math.abs(s[2]! - 0.3) < 0.01, String(s));
  });

  it('panic: with one host of three healthy and no other priority, Envoy spreads over all three', () => {
    const d: Decisions = new Map([['failover', { endpoints: [{ service: 'greeter', endpoint: '10.0.0.2:80', health: 'unhealthy' as const }, { service: 'greeter', endpoint: '10.0.0.3:80', health: 'unhealthy' as const }] }]]);
    const c = envoy();
    c.apply(rendered('envoy', d));
    // 1 of 3 healthy (33% < 50%) and the normalised total is 46 < 100: panic, all three hosts.
    const s = shares(c, 3000);
    assert.ok(s.every((x) => Math.abs(x - 1 / 3) < 0.01), String(s));
  });

  it('mirror fractions and weighted clusters are read back from the RouteConfiguration', () => {
    const d: Decisions = new Map([['mirror', { mirrors: [{ service: 'greeter', target: 'shadow', percent: 12.5 }] }]]);
    const mesh = rendered('envoy', d, [service('shadow', { endpoints: [endpoint('10.0.1.1', 80)] }), route('front', { hosts: ['front.example'], listener: { port: 10000 }, rules: [rule([['greeter', 3], ['shadow', 1]])] })]);
    const r = mesh.routes.get('front.example')!;
    assert.deepEqual(r.clusters, [{ name: 'greeter', weight: 3 }, { name: 'shadow', weight: 1 }]);
    assert.deepEqual(r.mirrors, [{ cluster: 'shadow', fraction: 0.125 }]);
  });
});
