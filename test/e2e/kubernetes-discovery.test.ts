/**
 * Endpoints from Kubernetes (issue 11): a Service document with `discovery.kubernetes` follows the
 * EndpointSlices of a Kubernetes Service in a real API server (etcd + kube-apiserver on loopback;
 * no controller-manager, so the test writes the slices itself, as the EndpointSlice controller
 * would). Real @grpc/grpc-js-xds clients and a real Envoy 1.40 see each slice created, changed
 * (ready → terminating) and deleted as an EDS change within 2 s; with the API server stopped and
 * restarted they lose no endpoint, and a change made after the restart arrives; a restarted
 * Prescient sends the endpoints in its first EDS response (it lists the slices before serving).
 *
 * The API server refuses loopback addresses in EndpointSlices, so the backends listen on this
 * machine's own (non-loopback) IPv4 address, one port each, each port in a slice of its own (as
 * when pods of one Service expose a named port on different numbers).
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { BackendServer } from '../support/backend-servers.ts';
import { EnvoyProxy, type EnvoyHost } from '../support/envoy-proxy.ts';
import { eventually } from '../support/eventually.ts';
import { KubeCluster } from '../support/kube-cluster.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { EchoClient } from '../support/xds-channel.ts';
import { nodeMessage, RawXdsClient } from '../support/raw-ads-client.ts';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';

/** The bound for a slice change to reach the clients. */
const WITHIN_MS = 2000;

function hostAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 address (the API server refuses loopback addresses in EndpointSlices)');
  return found.address;
}

type Conditions = { ready: boolean; serving: boolean; terminating: boolean };
const READY: Conditions = { ready: true, serving: true, terminating: false };
const TERMINATING: Conditions = { ready: false, serving: true, terminating: true };

describe('e2e: endpoints from Kubernetes EndpointSlices', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let ns: string;
  let slicesApi: k8s.DiscoveryV1Api;
  let address: string;
  const backends = new Map<string, BackendServer>();
  let h: PrescientHarness | undefined;
  let envoy: EnvoyProxy | undefined;
  let client: EchoClient | undefined;
  const timings: Record<string, number> = {};

  const endpointOf = (id: string) => `${address}:${backends.get(id)!.port}`;

  function sliceBody(id: string, conditions: Conditions): k8s.V1EndpointSlice {
    return {
      metadata: { name: `api-${id}`, labels: { 'kubernetes.io/service-name': 'api', 'endpointslice.kubernetes.io/managed-by': 'e2e.prescient.dev' } },
      addressType: 'IPv4',
      ports: [{ name: 'grpc', port: backends.get(id)!.port, protocol: 'TCP' }],
      endpoints: [{ addresses: [address], conditions, zone: `zone-${id}`, nodeName: `node-${id}`, targetRef: { kind: 'Pod', name: `api-${id}-pod`, namespace: ns } }],
    };
  }

  const createSlice = (id: string) => slicesApi.createNamespacedEndpointSlice({ namespace: ns, body: sliceBody(id, READY) });
  const replaceSlice = (id: string, conditions: Conditions) => slicesApi.replaceNamespacedEndpointSlice({ name: `api-${id}`, namespace: ns, body: sliceBody(id, conditions) });
  const deleteSlice = (id: string) => slicesApi.deleteNamespacedEndpointSlice({ name: `api-${id}`, namespace: ns });

  /** Which backends answer 30 calls of the gRPC client (errors as `error:<code>`). */
  async function answering(): Promise<Set<string>> {
    return new Set((await client!.spread(30, 10)).keys());
  }

  async function envoyHosts(): Promise<Map<string, EnvoyHost>> {
    return new Map((await envoy!.hosts('api')).map((host) => [host.endpoint, host]));
  }

  /** Waits for the gRPC client and Envoy to reach a state; records and checks how long it took. */
  async function bothSee(what: string, grpc: (ids: Set<string>) => boolean, envoySees: (hosts: Map<string, EnvoyHost>) => boolean, since: number): Promise<void> {
    let lastIds = new Set<string>();
    let lastHosts = new Map<string, EnvoyHost>();
    const seen = await Promise.all([
      eventually(async () => grpc((lastIds = await answering())), 15_000, 25, `${what}: gRPC client`).then(() => Date.now() - since),
      eventually(async () => envoySees((lastHosts = await envoyHosts())), 15_000, 25, `${what}: Envoy`).then(() => Date.now() - since),
    ]).catch((err: Error) => {
      throw new Error(`${err.message}; gRPC answers ${[...lastIds].join(',')}; Envoy hosts ${JSON.stringify([...lastHosts.values()].map((x) => [x.endpoint, x.health]))}`);
    });
    timings[`${what} (gRPC)`] = seen[0];
    timings[`${what} (Envoy)`] = seen[1];
    assert.ok(seen[0] <= WITHIN_MS && seen[1] <= WITHIN_MS, `${what} reached the gRPC client after ${seen[0]} ms and Envoy after ${seen[1]} ms (bound ${WITHIN_MS} ms)`);
  }

  const same = (ids: Set<string>, want: string[]) => ids.size === want.length && want.every((id) => ids.has(id));
  const draining = (host: EnvoyHost | undefined) => host?.health.includes('eds_health_status=DRAINING') ?? false;

  before(async () => {
    address = hostAddress();
    cluster = await KubeCluster.start();
    ns = await cluster.namespace('discovery');
    slicesApi = cluster.kubeConfig().makeApiClient(k8s.DiscoveryV1Api);
    for (const id of ['a', 'b', 'c', 'd']) {
      const server = new BackendServer(id);
      await server.start(0, address);
      backends.set(id, server);
    }
    h = await PrescientHarness.start(
      [{ kind: 'Service', name: 'api', spec: { protocol: 'grpc', ports: [{ name: 'grpc', port: 50051 }], discovery: { kubernetes: { namespace: ns, service: 'api' } } } }],
      { kubeconfig: cluster.kubeconfigPath, discoveryWatch: { initialBackoffMs: 100, maxBackoffMs: 1000 } },
    );
    envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort });
    client = new EchoClient('xds:///api', h.xdsPort);
    // The client's first call starts its xDS subscriptions; the bounds below measure EDS changes, not that.
    await client.call(2000);
  });

  after(async () => {
    client?.close();
    await envoy?.stop();
    await h?.stop();
    await Promise.all([...backends.values()].map((b) => b.stop()));
    await cluster?.stop();
    if (Object.keys(timings).length) console.log(`      EDS change → client (ms): ${JSON.stringify(timings)}`);
  });

  it('follows slices created, changed from ready to terminating, and deleted, at gRPC clients and Envoy within 2 s', async () => {
    let t = Date.now();
    await Promise.all([createSlice('a'), createSlice('b'), createSlice('c')]);
    await bothSee('created', (ids) => same(ids, ['a', 'b', 'c']), (hosts) => ['a', 'b', 'c'].every((id) => hosts.has(endpointOf(id)) && !draining(hosts.get(endpointOf(id)))), t);
    // locality and metadata come from the slice
    const dump = JSON.stringify(await envoy!.configDump());
    assert.ok(dump.includes('"zone":"zone-a"'), 'the slice zone is the endpoint locality');

    t = Date.now();
    await replaceSlice('b', TERMINATING);
    await bothSee('ready → terminating', (ids) => same(ids, ['a', 'c']), (hosts) => draining(hosts.get(endpointOf('b'))) && !draining(hosts.get(endpointOf('a'))), t);

    t = Date.now();
    await deleteSlice('a');
    await bothSee('deleted', (ids) => same(ids, ['c']), (hosts) => !hosts.has(endpointOf('a')) && hosts.has(endpointOf('c')), t);

    const status = (await h!.adminJson('/debug/modules')).modules['kubernetes-discovery'];
    assert.deepEqual(status.services.api.endpoints, { serving: 1, draining: 1, excluded: 0 });
    assert.equal(status.services.api.watch.state, 'watching');
    assert.equal(status.services.api.watch.slices, 2);
    const metrics = (await h!.admin('/metrics')).body;
    assert.match(metrics, /prescient_kube_discovery_endpoints\{service="api",condition="serving"\} 1/);
    assert.match(metrics, /prescient_kube_discovery_endpoints\{service="api",condition="draining"\} 1/);
  });

  it('loses no endpoint while the API server is stopped and restarted, and a change after the restart arrives', async () => {
    await replaceSlice('b', READY);
    await bothSee('back to ready', (ids) => same(ids, ['b', 'c']), (hosts) => hosts.has(endpointOf('b')) && !draining(hosts.get(endpointOf('b'))), Date.now());

    // Calls keep going while the API server is away: every sample must reach both endpoints.
    const samples: string[][] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const ids = [...(await answering())].sort();
        const hosts = await envoyHosts();
        samples.push([...ids, ...['b', 'c'].filter((id) => hosts.has(endpointOf(id)) && !draining(hosts.get(endpointOf(id)))).map((id) => `envoy:${id}`)]);
      }
    })();
    try {
      await cluster.stopApiServer();
      await eventually(async () => (await h!.adminJson('/debug/modules')).modules['kubernetes-discovery'].services.api.watch.stale === true, 10_000, 50, 'the module says the endpoints are stale');
      assert.match((await h!.admin('/metrics')).body, /prescient_kube_discovery_stale\{service="api"\} 1/);
      await new Promise((r) => setTimeout(r, 1000));
      await cluster.startApiServer();
      const back = Date.now();
      await eventually(async () => (await h!.adminJson('/debug/modules')).modules['kubernetes-discovery'].services.api.watch.state === 'watching', 15_000, 50, 'the watch reconnects');
      timings['watch back after API server ready'] = Date.now() - back;
    } finally {
      sampling = false;
      await sampler;
    }
    assert.ok(samples.length >= 3, `sampled ${samples.length} times`);
    const lost = samples.filter((s) => s.join(',') !== 'b,c,envoy:b,envoy:c');
    assert.deepEqual(lost, [], 'no endpoint lost (or error) at the clients while the API server was away');

    const t = Date.now();
    await createSlice('d');
    await bothSee('created after the restart', (ids) => same(ids, ['b', 'c', 'd']), (hosts) => hosts.has(endpointOf('d')), t);
    const status = (await h!.adminJson('/debug/modules')).modules['kubernetes-discovery'].services.api;
    assert.equal(status.watch.stale, false);
    assert.ok(status.watch.failures >= 1, 'the failure was counted');
    assert.match((await h!.admin('/metrics')).body, /prescient_kube_discovery_watch_failures_total [1-9]/);
  });

  it('a (re)started Prescient sends the discovered endpoints in its very first EDS response', async () => {
    const second = await PrescientHarness.start(
      [{ kind: 'Service', name: 'api', spec: { protocol: 'grpc', ports: [{ name: 'grpc', port: 50051 }], discovery: { kubernetes: { namespace: ns, service: 'api' } } } }],
      { kubeconfig: cluster.kubeconfigPath },
    );
    const raw = new RawXdsClient(`127.0.0.1:${second.xdsPort}`);
    try {
      const ads = raw.sotw();
      ads.send({ node: nodeMessage({ id: 'reconnecting-sidecar', user_agent_name: 'envoy' }), type_url: TYPE_URL.endpoint, resource_names: ['api'] });
      const first = await ads.next(5000);
      const hosts = first.resources[0]!.message.endpoints.flatMap((l: any) => l.lb_endpoints.map((e: any) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`));
      assert.deepEqual(hosts.sort(), ['b', 'c', 'd'].map(endpointOf).sort());
    } finally {
      raw.close();
      await second.stop();
    }
  });
});
