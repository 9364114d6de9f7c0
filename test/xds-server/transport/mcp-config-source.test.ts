/**
 * Prescient as an MCP-over-xDS config source, driven by a raw ADS client that behaves like
 * istiod's (pkg/adsc): every initial request carries a made-up nonce, each response is ACKed with
 * its nonce and no names.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { ISTIO_KINDS } from '../../../xds-server/istio/kinds.ts';
import { PrescientHarness, type DocSpec } from '../../support/prescient-harness.ts';
import { RawXdsClient, type SotwStream, type SotwResponse } from '../../support/raw-ads-client.ts';
import { makeTestPki, type TestPki } from '../../support/test-pki.ts';

const SE = ISTIO_KINDS.ServiceEntry.typeUrl;
const VS = ISTIO_KINDS.VirtualService.typeUrl;
const MESH_CONFIG = 'core/v1alpha1/MeshConfig';
const GATEWAY = 'networking.istio.io/v1/Gateway';

const istiodNode = { id: 'istiod-0', metadata: { GENERATOR: 'api' } };

const docs = (weightA = 80): DocSpec[] => [
  { kind: 'Service', name: 'payments', spec: { protocol: 'http', ports: [{ name: 'http', port: 8080 }], endpoints: [{ address: '10.0.0.1', port: 9001, weight: weightA }, { address: '10.0.0.2', port: 9002, weight: 100 - weightA }] } },
];

/** Responses until one of each type in `types` arrived. */
async function collect(s: SotwStream, types: string[]): Promise<Map<string, SotwResponse>> {
  const out = new Map<string, SotwResponse>();
  while (out.size < types.length) {
    const res = await s.next(5000);
    assert.ok(types.includes(res.type_url), `unexpected ${res.type_url}`);
    assert.ok(!out.has(res.type_url), `${res.type_url} answered twice`);
    out.set(res.type_url, res);
  }
  return out;
}

const weights = (res: SotwResponse) => res.resources[0]!.message.spec.endpoints.map((e: any) => [e.address, e.weight]);

describe('MCP over xDS: Istio config for istiod', () => {
  let h: PrescientHarness;
  let client: RawXdsClient;
  beforeEach(async () => {
    h = await PrescientHarness.start(docs());
    client = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
  });
  afterEach(async () => {
    client.close();
    await h.stop();
  });

  it('answers each first request (nonce and all) with the whole set; types it does not produce get an empty set', async () => {
    const s = client.sotw();
    s.send({ node: istiodNode, type_url: MESH_CONFIG, response_nonce: '2026-11-29 23:59:00.1' });
    for (const t of [SE, VS, GATEWAY]) s.send({ type_url: t, response_nonce: `2026-11-29 23:59:00.${t.length}` });
    const got = await collect(s, [MESH_CONFIG, SE, VS, GATEWAY]);
    assert.deepEqual(got.get(MESH_CONFIG)!.resources, []);
    assert.deepEqual(got.get(GATEWAY)!.resources, []);
    assert.deepEqual(got.get(VS)!.resources, [], 'no Route and no mirror: no VirtualService');
    const se = got.get(SE)!;
    assert.deepEqual(se.resources.map((r) => r.name), ['prescient/payments']);
    assert.equal(se.resources[0]!.message.type_url, 'type.googleapis.com/istio.networking.v1alpha3.ServiceEntry');
    assert.deepEqual(weights(se), [['10.0.0.1', 80], ['10.0.0.2', 20]]);
    for (const res of got.values()) s.ack(res);
    await s.expectNone(300);
    assert.deepEqual(h.prescient.cache.groups(), [], 'istiod joins no node group: no Envoy resources are rendered for it');
    const metrics = (await h.admin('/metrics')).body;
    assert.match(metrics, /prescient_istio_resources\{kind="ServiceEntry"\} 1/);
    assert.match(metrics, /prescient_istio_pushes_total\{kind="other"\} 2/);
    assert.match(metrics, /prescient_istio_subscribers 1/);
  });

  it('a weight change goes out as a new whole set once the previous one is ACKed; a stale nonce is ignored', async () => {
    const s = client.sotw();
    s.send({ node: istiodNode, type_url: SE, response_nonce: 'some time' });
    const first = await s.next();
    s.send({ type_url: SE, response_nonce: 'not-a-nonce-we-sent' });
    await s.expectNone(200);
    h.prescient.setDecisions({ weights: new Map([['payments', { service: 'payments', weights: new Map([['10.0.0.1:9001', 10], ['10.0.0.2:9002', 90]]), computedAt: 0 }]]) });
    // Nothing while the first response is unacknowledged (at most one in flight per type).
    await s.expectNone(400);
    s.ack(first);
    const second = await s.next(3000);
    assert.notEqual(second.version_info, first.version_info);
    assert.deepEqual(weights(second), [['10.0.0.1', 10], ['10.0.0.2', 90]]);
    assert.notEqual(second.resources[0]!.message.metadata.version, first.resources[0]!.message.metadata.version, 'the resource version changes with its content');
  });

  it('a NACKed set is not sent again; the next change is', async () => {
    const s = client.sotw();
    s.send({ node: istiodNode, type_url: SE, response_nonce: 'x' });
    s.nack(await s.next(), 'invalid ServiceEntry');
    await s.expectNone(300);
    await h.writeConfig(docs(60));
    const next = await s.next(5000);
    assert.deepEqual(weights(next), [['10.0.0.1', 60], ['10.0.0.2', 40]]);
    assert.match((await h.admin('/metrics')).body, /prescient_istio_rejects_total\{kind="ServiceEntry"\} 1/);
  });

  it('/debug/istio shows the options, the counts and what was left out', async () => {
    const s = client.sotw();
    s.send({ node: istiodNode, type_url: SE, response_nonce: 'x' });
    await s.next();
    const status = await h.adminJson('/debug/istio');
    assert.deepEqual(status.options, { namespace: 'prescient', domain: 'svc.cluster.local' });
    assert.equal(status.subscribed, true);
    assert.equal(status.resources[SE], 1);
    const { clients } = await h.adminJson('/debug/clients');
    const istiod = clients.find((c: any) => c.nodeId === 'istiod-0');
    assert.deepEqual(istiod.istioTypes.map((t: any) => t.typeUrl), [SE]);
    assert.ok(istiod.istioTypes[0].pendingNonce, 'the unacknowledged response shows');
  });
});

describe('MCP over xDS: options', () => {
  it('a namespace or domain that cannot make Istio hosts refuses to start', async () => {
    await assert.rejects(PrescientHarness.start(docs(), { istio: { namespace: 'Not_A_Label' } }), /ISTIO_OPTIONS/);
    await assert.rejects(PrescientHarness.start(docs(), { istio: { domain: 'bad..domain' } }), /ISTIO_OPTIONS/);
  });
});

describe('MCP over xDS: turned off', () => {
  it('with istio: false, Istio types are answered empty like any unsupported type', async () => {
    const h = await PrescientHarness.start(docs(), { istio: false });
    const client = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
    try {
      const s = client.sotw();
      s.send({ node: istiodNode, type_url: SE });
      const res = await s.next();
      assert.deepEqual([res.type_url, res.resources.length], [SE, 0]);
    } finally {
      client.close();
      await h.stop();
    }
  });
});

describe('MCP over xDS: who may read Istio config (docs/security.md)', () => {
  const ISTIOD = 'spiffe://cluster.local/ns/istio-system/sa/istiod';
  const SIDECAR = 'spiffe://cluster.local/ns/shop/sa/frontend';
  let pki: TestPki;
  let h: PrescientHarness;
  before(() => {
    pki = makeTestPki();
    pki.issueClient('istiod', [ISTIOD]);
    pki.issueClient('sidecar', [SIDECAR]);
  });
  after(() => pki.remove());
  beforeEach(async () => {
    h = await PrescientHarness.start(docs(), {
      tls: { certFile: pki.file('server.crt'), keyFile: pki.file('server.key'), caFile: pki.file('ca.crt'), requireClientCert: true },
      xdsAccess: { istiodIdentities: [ISTIOD] },
    });
  });
  afterEach(() => h.stop());
  const clientOf = (name: string) => new RawXdsClient(`localhost:${h.xdsPort}`, grpc.credentials.createSsl(pki.read('ca.crt'), pki.read(`${name}.key`), pki.read(`${name}.crt`)));

  it('serves an istiod identity; another workload ends PERMISSION_DENIED and keeps its Envoy config', async () => {
    const istiod = clientOf('istiod');
    const sidecar = clientOf('sidecar');
    try {
      const s = istiod.sotw();
      s.send({ node: istiodNode, type_url: SE, response_nonce: 'x' });
      assert.equal((await s.next()).resources.length, 1);
      const envoy = sidecar.sotw();
      envoy.send({ node: { id: 'sidecar' }, type_url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
      assert.deepEqual((await envoy.next()).resources.map((r) => r.name), ['payments'], 'Envoy config is still served to it');
      const other = sidecar.sotw();
      other.send({ node: { id: 'sidecar' }, type_url: SE, response_nonce: 'x' });
      const ended = await other.status;
      assert.equal(ended.code, grpc.status.PERMISSION_DENIED);
      assert.match(ended.details, /XDS_ISTIO_CONFIG_FORBIDDEN/);
      assert.match((await h.admin('/metrics')).body, /prescient_istio_refused_total 1/);
    } finally {
      istiod.close();
      sidecar.close();
    }
  });
});
