/**
 * The debug pages of a running Prescient (the real composition root), read while raw xDS clients
 * of both flavors are connected.
 */
import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { DEMO_YAML } from '../../support/config-mutations.ts';
import { PrescientHarness } from '../../support/prescient-harness.ts';
import { eventually } from '../../support/eventually.ts';
import { nodeMessage, RawXdsClient, type SotwResponse, type SotwStream } from '../../support/raw-ads-client.ts';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

interface DumpEntry {
  type_url: string;
  version: string;
  resources: { name: string; version: string; resource: Record<string, any> }[];
}

describe('debug pages of a running Prescient', function () {
  this.timeout(30_000);
  let h: PrescientHarness;
  let client: RawXdsClient;
  let envoy: SotwStream;
  let envoyLds: SotwResponse;
  let grpcLds: SotwResponse;

  before(async () => {
    h = await PrescientHarness.start(DEMO_YAML);
    client = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
    envoy = client.sotw();
    envoy.send({ node: nodeMessage({ id: 'sidecar-7', cluster: 'web', user_agent_name: 'envoy' }), type_url: TYPE_URL.listener });
    envoyLds = await envoy.next(5000);
    envoy.nack(envoyLds, 'listener 0.0.0.0_10000: cannot bind');
    const grpc = client.sotw();
    grpc.send({ node: nodeMessage({ id: 'app-3', user_agent_name: 'grpc-node-js' }), type_url: TYPE_URL.listener, resource_names: ['greeter'] });
    grpcLds = await grpc.next(5000);
    grpc.ack(grpcLds, ['greeter']);
    await h.prescient.settled();
  });

  after(async () => {
    client?.close();
    await h?.stop();
  });

  it('/debug/config_dump lists every group in push order with the versions clients receive', async () => {
    const dump = await h.adminJson<{ groups: Record<string, DumpEntry[]> }>('/debug/config_dump');
    assert.deepEqual(Object.keys(dump.groups).sort(), ['envoy', 'grpc']);
    for (const entries of Object.values(dump.groups)) {
      assert.deepEqual(entries.map((e) => e.type_url), [TYPE_URL.cluster, TYPE_URL.endpoint, TYPE_URL.listener, TYPE_URL.route]);
    }
    const lds = dump.groups.envoy!.find((e) => e.type_url === TYPE_URL.listener)!;
    assert.equal(lds.version, envoyLds.version_info, 'the type version a SotW client was sent');
    assert.deepEqual(dump.groups.envoy!.find((e) => e.type_url === TYPE_URL.cluster)!.resources.map((r) => r.name), ['greeter', 'greeter-canary']);
  });

  it('/debug/config_dump decodes resources, Any fields included, into @type JSON', async () => {
    const dump = await h.adminJson<{ groups: Record<string, DumpEntry[]> }>('/debug/config_dump');
    const cluster = dump.groups.envoy!.find((e) => e.type_url === TYPE_URL.cluster)!.resources.find((r) => r.name === 'greeter')!.resource;
    assert.equal(cluster['@type'], TYPE_URL.cluster);
    assert.equal(cluster.type, 'EDS', 'enums by name');
    assert.deepEqual(cluster.connect_timeout, { seconds: '1' }, '64-bit integers as strings');

    const [listener] = dump.groups.envoy!.find((e) => e.type_url === TYPE_URL.listener)!.resources;
    const hcm = listener!.resource.filter_chains[0].filters[0].typed_config;
    assert.equal(hcm['@type'], HCM, 'an Any inside the resource is decoded, not left as bytes');
    assert.equal(hcm.rds.route_config_name, 'route/greeter');
    assert.equal(hcm.http_filters.at(-1).typed_config['@type'], ROUTER, 'Any nested in an Any');

    const api = dump.groups.grpc!.find((e) => e.type_url === TYPE_URL.listener)!.resources.find((r) => r.name === 'greeter')!;
    assert.equal(api.resource.api_listener.api_listener['@type'], HCM);
  });

  it('/debug/clients shows each stream with its node, group, flavor, versions and last NACK', async () => {
    let clients: any[] = [];
    const answered = (nodeId: string) => clients.find((c) => c.nodeId === nodeId)?.types.some((t: any) => t.ackedVersion || t.lastNack);
    // The ACK and NACK travel on their own; wait until the server has read both.
    await eventually(async () => {
      ({ clients } = await h.adminJson<{ clients: any[] }>('/debug/clients'));
      return answered('sidecar-7') && answered('app-3');
    }, 5000, 20);
    const envoyClient = clients.find((c) => c.nodeId === 'sidecar-7');
    const grpcClient = clients.find((c) => c.nodeId === 'app-3');
    assert.ok(envoyClient && grpcClient, JSON.stringify(clients));
    assert.deepEqual([envoyClient.group, envoyClient.flavor, envoyClient.nodeCluster, envoyClient.protocol, envoyClient.service], ['envoy', 'envoy', 'web', 'sotw', 'ads']);
    assert.deepEqual([grpcClient.group, grpcClient.flavor], ['grpc', 'grpc']);
    const envoyLdsStatus = envoyClient.types.find((t: any) => t.type === 'lds');
    assert.equal(envoyLdsStatus.wildcard, true);
    assert.equal(envoyLdsStatus.lastNack.message, 'listener 0.0.0.0_10000: cannot bind');
    assert.equal(envoyLdsStatus.nackCount, 1);
    const grpcLdsStatus = grpcClient.types.find((t: any) => t.type === 'lds');
    assert.deepEqual(grpcLdsStatus.names, ['greeter']);
    assert.equal(grpcLdsStatus.ackedVersion, grpcLds.version_info);
  });

  it('/metrics serves the prescient_ metrics of both the xDS and the scorer registries as Prometheus text', async () => {
    const res = await fetch(`http://127.0.0.1:${h.prescient.adminPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    assert.ok(names.length > 10);
    // Prescient's own metrics, plus prom-client's standard process and Node.js metrics.
    assert.deepEqual(names.filter((n) => !/^(prescient|process|nodejs)_/.test(n)), [], 'every metric is named prescient_*, process_* or nodejs_*');
    for (const name of ['prescient_xds_connected_streams', 'prescient_xds_rejects_total', 'prescient_config_last_reload_success', 'prescient_publish_rejected_total']) {
      assert.ok(names.includes(name), `xDS registry metric ${name}`);
    }
    for (const name of ['prescient_scorer_ticks_total', 'prescient_endpoint_weight']) assert.ok(names.includes(name), `scorer registry metric ${name}`);
    assert.match(text, /^prescient_xds_connected_streams\{protocol="sotw"\} [1-9]/m);
    assert.match(text, /^prescient_xds_rejects_total\{type="lds"\} [1-9]/m);
  });

  it('/debug/config shows the active configuration and the publisher status', async () => {
    const config = await h.adminJson('/debug/config');
    assert.deepEqual(config.services, ['greeter', 'greeter-canary']);
    assert.deepEqual(config.routes, ['greeter']);
    assert.equal(config.weightOverrides, 1);
    assert.equal(config.lastReload.ok, true);
    assert.ok(config.publish.publishes >= 2);
  });
});
