/**
 * An Istio mesh that keeps istiod and gets Prescient's weights and mirrors (issue 11, docs/istio.md):
 * a real istiod (pilot-discovery, against a real API server) with Prescient as its only
 * `xds://` config source, and a real Envoy 1.40 connected to istiod — not to Prescient — as a
 * sidecar without iptables (INTERCEPTION_MODE NONE: its outbound listeners bind 127.0.0.1:<service
 * port>). Checked through that Envoy: endpoint weights equal Prescient's, a weight change arrives
 * within 2 s, a MirrorRule is a request mirror policy, and real HTTP calls split as the weights say
 * (±5 points over 2,000 calls) while the mirror target receives its share of copies.
 */
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { errorsIn, shareOf, spreadCalls } from '../support/call-tally.ts';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { HttpBackend, HttpViaProxy } from '../support/http-backends.ts';
import { Istiod } from '../support/istiod.ts';
import { KubeCluster } from '../support/kube-cluster.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';

const HOST = 'payments.prescient.svc.cluster.local';
const SHADOW_HOST = 'payments-shadow.prescient.svc.cluster.local';
/** A sidecar's node id; its IP is no endpoint's, so istiod builds it no inbound listeners. */
const NODE_ID = 'sidecar~192.0.2.10~client-0.shop~shop.svc.cluster.local';

const figures: string[] = [];

describe('e2e: istiod fed by Prescient over MCP, a real Envoy fed by istiod', function () {
  this.timeout(150_000);
  let kube: KubeCluster;
  let a: HttpBackend;
  let b: HttpBackend;
  let shadow: HttpBackend;
  let servicePort: number;
  let shadowPort: number;
  let cartPorts: [number, number];
  let h: PrescientHarness;
  let istiod: Istiod;
  let envoy: EnvoyProxy;
  let cluster: string;

  const docs = (weightA = 80): DocSpec[] => [
    {
      kind: 'Service',
      name: 'payments',
      spec: { protocol: 'http', ports: [{ name: 'http', port: servicePort }], endpoints: [{ address: '127.0.0.1', port: a.port, weight: weightA }, { address: '127.0.0.1', port: b.port, weight: 100 - weightA }] },
    },
    { kind: 'Service', name: 'payments-shadow', spec: { protocol: 'http', ports: [{ name: 'http', port: shadowPort }], endpoints: [{ address: '127.0.0.1', port: shadow.port }] } },
    { kind: 'MirrorRule', name: 'payments-copies', spec: { service: 'payments', targets: [{ service: 'payments-shadow', percent: 25 }] } },
    // A canary Route: a VirtualService with weighted destinations.
    // With most of what the translation writes, so istiod's own validation sees it all.
    {
      kind: 'Service',
      name: 'cart-v1',
      spec: {
        protocol: 'http',
        ports: [{ name: 'http', port: cartPorts[0] }],
        endpoints: [{ address: '127.0.0.1', port: a.port, locality: { region: 'local', zone: 'zone-a' }, metadata: { version: 'v1' } }],
        loadBalancing: { policy: 'LEAST_REQUEST' },
        connectTimeout: '250ms',
        outlierDetection: { consecutive5xx: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      },
    },
    { kind: 'Service', name: 'cart-v2', spec: { protocol: 'http', ports: [{ name: 'http', port: cartPorts[1] }], endpoints: [{ address: '127.0.0.1', port: b.port }], loadBalancing: { policy: 'RING_HASH' } } },
    {
      kind: 'Route',
      name: 'cart',
      spec: {
        hosts: ['cart-v1', 'cart.example.com'],
        rules: [
          { backends: [{ service: 'cart-v1', weight: 90 }, { service: 'cart-v2', weight: 10 }], timeout: '3s', retries: { attempts: 2, retryOn: ['5xx', 'reset'], perTryTimeout: '1s' } },
          { match: { prefix: '/v2/', headers: [{ name: 'x-canary', exact: 'yes' }, { name: 'x-debug', present: true, invert: true }] }, backends: [{ service: 'cart-v2', weight: 1 }] },
        ],
      },
    },
  ];

  /** The first route of the virtual host for `host` in the route configuration istiod names after `port`. */
  async function envoyRoute(port: number, host: string): Promise<any> {
    const dump = await envoy.configDump();
    const routes = dump.configs.find((c: any) => c['@type'] === 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump');
    const vhost = (routes?.dynamic_route_configs ?? [])
      .map((r: any) => r.route_config)
      .filter((r: any) => r.name === String(port))
      .flatMap((r: any) => r.virtual_hosts ?? [])
      .find((v: any) => v.domains.includes(host));
    return vhost?.routes?.[0]?.route;
  }

  /** Endpoint weights of the payments cluster in istiod's Envoy, by backend id. */
  async function envoyWeights(): Promise<Record<string, number>> {
    const hosts = await envoy.hosts(cluster);
    const byPort = new Map([[a.port, 'a'], [b.port, 'b']]);
    return Object.fromEntries(hosts.map((x) => [byPort.get(Number(x.endpoint.split(':')[1])) ?? x.endpoint, x.weight]));
  }

  before(async () => {
    kube = await KubeCluster.start();
    await kube.kubeConfig().makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: 'istio-system' } } });
    [a, b, shadow] = [new HttpBackend('a'), new HttpBackend('b'), new HttpBackend('shadow')];
    for (const s of [a, b, shadow]) await s.start();
    [servicePort, shadowPort] = [await freePort(), await freePort()];
    cartPorts = [await freePort(), await freePort()];
    cluster = `outbound|${servicePort}||${HOST}`;
    h = await PrescientHarness.start(docs());
    istiod = await Istiod.start({ kubeconfigPath: kube.kubeconfigPath, configSource: `127.0.0.1:${h.xdsPort}` });
    envoy = await EnvoyProxy.start({
      xdsPort: istiod.grpcPort,
      nodeId: NODE_ID,
      readyTimeoutMs: 30_000,
      edit: (bootstrap) => {
        // istiod serves no LRS; Istio's node metadata: no iptables, so listeners bind for real.
        delete bootstrap.cluster_manager.load_stats_config;
        bootstrap.node.cluster = 'client.shop';
        bootstrap.node.metadata = { INTERCEPTION_MODE: 'NONE', NAMESPACE: 'shop', CLUSTER_ID: 'Kubernetes', ISTIO_VERSION: '1.31.0' };
      },
    });
  });

  after(async () => {
    if (figures.length) console.log(`      ${figures.join('; ')}`);
    await envoy?.stop();
    await istiod?.stop();
    await h?.stop();
    for (const s of [a, b, shadow]) await s?.stop();
    await kube?.stop();
  });

  it("Prescient's weights reach istiod's Envoy as endpoint weights", async () => {
    await eventually(async () => JSON.stringify(await envoyWeights().catch(() => ({}))) === JSON.stringify({ a: 80, b: 20 }), 15_000, 100, `weights 80/20 in ${cluster}`).catch(async (err) => {
      throw new Error(`${(err as Error).message}: have ${JSON.stringify(await envoyWeights())}, clusters ${(await envoy.clusterNames()).join(', ')}\n${istiod.output().slice(-3000)}`);
    });
  });

  it('a MirrorRule shows as the request mirror policy of the route', async () => {
    let policies: any[] = [];
    await eventually(async () => {
      policies = (await envoyRoute(servicePort, HOST))?.request_mirror_policies ?? [];
      return policies.length > 0;
    }, 15_000, 200, 'a request mirror policy on the payments route');
    assert.equal(policies.length, 1);
    assert.equal(policies[0].cluster, `outbound|${shadowPort}||${SHADOW_HOST}`);
    assert.deepEqual(policies[0].runtime_fraction.default_value, { numerator: 250_000, denominator: 'MILLION' });
  });

  it("a Route's weighted backends show as the route's weighted clusters", async () => {
    const host = 'cart-v1.prescient.svc.cluster.local';
    let weighted: any;
    await eventually(async () => {
      weighted = (await envoyRoute(cartPorts[0], host))?.weighted_clusters;
      return weighted !== undefined;
    }, 15_000, 200, 'weighted clusters on the cart route');
    assert.deepEqual(
      weighted.clusters.map((c: any) => [c.name, c.weight]),
      [[`outbound|${cartPorts[0]}||${host}`, 90], [`outbound|${cartPorts[1]}||cart-v2.prescient.svc.cluster.local`, 10]],
    );
  });

  it('istiod accepted every resource Prescient served (its own validation)', async () => {
    const served = (await h.adminJson('/debug/istio')).resources as Record<string, number>;
    const configz = JSON.parse((await istiod.get('/debug/configz')).body) as { kind: string; metadata: { namespace: string; name: string } }[];
    const stored: Record<string, string[]> = {};
    for (const c of configz) if (c.metadata.namespace === 'prescient') (stored[c.kind] ??= []).push(c.metadata.name);
    assert.deepEqual(
      Object.fromEntries(Object.entries(stored).map(([k, names]) => [k, names.length])),
      { ServiceEntry: served['networking.istio.io/v1/ServiceEntry'], DestinationRule: served['networking.istio.io/v1/DestinationRule'], VirtualService: served['networking.istio.io/v1/VirtualService'] },
      `istiod holds ${JSON.stringify(stored)}`,
    );
    assert.doesNotMatch(istiod.output(), /Error (adding|updating)|Invalid data|Error unmarshalling/);
  });

  it('real calls through that Envoy split as the weights say, and a quarter is mirrored', async () => {
    const client = new HttpViaProxy(servicePort, HOST);
    try {
      const shadowBefore = shadow.hits;
      const counts = await spreadCalls(client, 2000);
      assert.deepEqual(errorsIn(counts), []);
      const shareA = shareOf(counts, 'a');
      figures.push(`split ${(shareA * 100).toFixed(1)}/${((1 - shareA) * 100).toFixed(1)} over 2000 calls (weights 80/20)`);
      assert.ok(Math.abs(shareA - 0.8) <= 0.05, `a's share ${shareA} is within 5 points of 80%`);
      let mirrored = 0;
      await eventually(() => {
        const now = shadow.hits - shadowBefore;
        const settled = now === mirrored && now > 0;
        mirrored = now;
        return settled;
      }, 10_000, 300, 'mirrored copies settle');
      figures.push(`mirrored ${((mirrored / 2000) * 100).toFixed(1)}% (MirrorRule 25%)`);
      assert.ok(Math.abs(mirrored / 2000 - 0.25) <= 0.05, `mirrored share ${mirrored / 2000} within 5 points of 25%`);
    } finally {
      client.close();
    }
  });

  it('a weight change reaches that Envoy within 2 s, and calls follow it', async () => {
    const started = Date.now();
    h.prescient.setDecisions({
      weights: new Map([['payments', { service: 'payments', weights: new Map([[`127.0.0.1:${a.port}`, 30], [`127.0.0.1:${b.port}`, 70]]), computedAt: started }]]),
    });
    await eventually(async () => JSON.stringify(await envoyWeights()) === JSON.stringify({ a: 30, b: 70 }), 10_000, 20, 'weights 30/70 in Envoy');
    const took = Date.now() - started;
    figures.push(`weight change → istiod's Envoy in ${took} ms`);
    assert.ok(took <= 2000, `the change took ${took} ms`);
    const client = new HttpViaProxy(servicePort, HOST);
    try {
      const counts = await spreadCalls(client, 2000);
      assert.deepEqual(errorsIn(counts), []);
      const shareB = shareOf(counts, 'b');
      figures.push(`split after the change ${((1 - shareB) * 100).toFixed(1)}/${(shareB * 100).toFixed(1)} (weights 30/70)`);
      assert.ok(Math.abs(shareB - 0.7) <= 0.05, `b's share ${shareB} is within 5 points of 70%`);
    } finally {
      client.close();
    }
  });

  it('Prescient restarting does not empty the mesh: istiod keeps its config, reconnects and takes the new one', async () => {
    const port = h.xdsPort;
    await h.stop();
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await envoyWeights(), { a: 30, b: 70 }, 'while Prescient is away, the last weights stay');
    h = await PrescientHarness.start(docs(50), { xdsAddress: `127.0.0.1:${port}` });
    const started = Date.now();
    await eventually(async () => JSON.stringify(await envoyWeights()) === JSON.stringify({ a: 50, b: 50 }), 30_000, 100, 'weights 50/50 from the restarted Prescient');
    figures.push(`restarted Prescient's weights in Envoy ${Date.now() - started} ms after it listened (istiod's reconnect back-off)`);
  });
});
