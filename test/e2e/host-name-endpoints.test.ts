/**
 * A Service endpoint written as a host name: the name lives in a zone of a real BIND 9 and
 * resolves to two loopback addresses, each with a real gRPC server on the same port.
 * - Real @grpc/grpc-js-xds clients (which accept only IP addresses in EDS) get the addresses
 *   Prescient resolves on the records' TTL.
 * - A real Envoy 1.40 gets a STRICT_DNS cluster and resolves the name itself (its bootstrap points
 *   its DNS resolver at the test's BIND, as an operator's would at the cluster DNS).
 * In both, a changed record reaches the clients.
 */
import assert from 'node:assert/strict';
import { DnsClient } from '../../xds-server/dns/dns-client.ts';
import { loadTsigKey } from '../../xds-server/dns/tsig-key.ts';
import type { UpdateOperation } from '../../xds-server/dns/update-message.ts';
import { sendUpdate } from '../../xds-server/dns/zone-operations.ts';
import { BackendServer } from '../support/backend-servers.ts';
import { BindServer } from '../support/bind-server.ts';
import { ProxiedEchoClient } from '../support/envoy-client.ts';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import { freePort } from '../support/free-port.ts';
import { eventually } from '../support/eventually.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { EchoClient } from '../support/xds-channel.ts';


/** Backends 'a' and 'b' on one port of 127.0.0.1 and 127.0.0.2: the two addresses the test name resolves to. */
async function backendsOnTwoAddresses(): Promise<BackendServer[]> {
  const a = new BackendServer('a');
  const port = await a.start(0, '127.0.0.1');
  const b = new BackendServer('b');
  await b.start(port, '127.0.0.2');
  return [a, b];
}

describe('e2e: host-name endpoints for proxyless gRPC', function () {
  this.timeout(60_000);
  let bind: BindServer;
  let servers: BackendServer[] = [];
  let h: PrescientHarness | undefined;
  let clients: EchoClient[] = [];

  async function update(operations: UpdateOperation[]) {
    const client = new DnsClient({ server: { address: '127.0.0.1', port: bind.port }, key: await loadTsigKey({ file: bind.keyFile }) });
    assert.deepEqual(await sendUpdate(client, { zone: bind.zone, prerequisites: [], operations }), { kind: 'applied' });
  }

  before(async () => {
    bind = await BindServer.start();
    servers = await backendsOnTwoAddresses();
    const port = servers[0]!.port;
    await update(['127.0.0.1', '127.0.0.2'].map((address) => ({ kind: 'add', name: 'backend.mesh.test', ttl: 1, record: { type: 'A', address } })));
    h = await PrescientHarness.start(
      [{ kind: 'Service', name: 'api', spec: { protocol: 'grpc', endpoints: [{ address: 'backend.mesh.test', port }] } }],
      { resolver: { servers: [`127.0.0.1:${bind.port}`] } },
    );
    clients = [new EchoClient('xds:///api', h.xdsPort), new EchoClient('xds:///api', h.xdsPort)];
  });

  after(async () => {
    for (const c of clients) c.close();
    await h?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await bind?.dispose();
  });

  it('serves both addresses of the name, and follows a changed record', async () => {
    await eventually(async () => {
      const seen = await clients[0]!.spread(40);
      return (seen.get('a') ?? 0) > 0 && (seen.get('b') ?? 0) > 0;
    }, 15_000, 100, 'calls reach both addresses of backend.mesh.test');
    const second = await clients[1]!.spread(40);
    assert.ok((second.get('a') ?? 0) > 0 && (second.get('b') ?? 0) > 0, `second client: ${JSON.stringify([...second])}`);
    const status = await h!.adminJson('/debug/modules');
    assert.deepEqual(status.modules.resolver.names.map((n: { name: string; addresses: string[] }) => [n.name, n.addresses]), [['backend.mesh.test', ['127.0.0.1', '127.0.0.2']]]);

    await update([{ kind: 'delete-record', name: 'backend.mesh.test', record: { type: 'A', address: '127.0.0.1' } }]);
    const changed = Date.now();
    await eventually(async () => {
      const seen = await clients[0]!.spread(20);
      return (seen.get('a') ?? 0) === 0 && (seen.get('b') ?? 0) === 20;
    }, 15_000, 100, 'every call goes to 127.0.0.2 once the record is gone');
    const took = Date.now() - changed;
    assert.ok(took < 10_000, `the changed record reached the clients after ${took} ms (TTL 1 s)`);
  });

  it('keeps the last good addresses while the name server is down', async () => {
    await bind.stop();
    await eventually(async () => {
      const names = (await h!.adminJson('/debug/modules')).modules.resolver.names;
      return names[0]?.lastError?.code === 'PRESCIENT_DNS_RESOLVE';
    }, 15_000);
    const seen = await clients[0]!.spread(20);
    assert.equal(seen.get('b'), 20);
    await bind.restart();
  });
});

describe('e2e: host-name endpoints for a real Envoy (STRICT_DNS)', function () {
  this.timeout(90_000);
  let bind: BindServer;
  let servers: BackendServer[] = [];
  let h: PrescientHarness | undefined;
  let envoy: EnvoyProxy | undefined;
  let client: ProxiedEchoClient | undefined;

  before(async () => {
    bind = await BindServer.start();
    servers = await backendsOnTwoAddresses();
    const port = servers[0]!.port;
    const dns = new DnsClient({ server: { address: '127.0.0.1', port: bind.port }, key: await loadTsigKey({ file: bind.keyFile }) });
    const operations: UpdateOperation[] = ['127.0.0.1', '127.0.0.2'].map((address) => ({ kind: 'add', name: 'backend.mesh.test', ttl: 1, record: { type: 'A', address } }));
    assert.deepEqual(await sendUpdate(dns, { zone: bind.zone, prerequisites: [], operations }), { kind: 'applied' });
    const listenerPort = await freePort();
    h = await PrescientHarness.start([
      { kind: 'Service', name: 'api', spec: { protocol: 'grpc', endpoints: [{ address: 'backend.mesh.test', port }] } },
      { kind: 'Route', name: 'api', spec: { hosts: ['api'], listener: { address: '127.0.0.1', port: listenerPort }, rules: [{ backends: [{ service: 'api' }], timeout: '5s' }] } },
    ]);
    envoy = await EnvoyProxy.start({
      xdsPort: h.xdsPort,
      edit: (bootstrap) => {
        bootstrap.typed_dns_resolver_config = {
          name: 'envoy.network.dns_resolver.cares',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig',
            resolvers: [{ socket_address: { address: '127.0.0.1', port_value: bind.port } }],
            dns_resolver_options: { no_default_search_domain: true },
          },
        };
      },
    });
    client = new ProxiedEchoClient(listenerPort, 'api');
  });

  after(async () => {
    client?.close();
    await envoy?.stop();
    await h?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await bind?.dispose();
  });

  it('Envoy resolves the name to both addresses and follows a changed record', async () => {
    const dump = await envoy!.configDump();
    const clusters = dump.configs.find((c: { '@type': string }) => c['@type'].endsWith('.ClustersConfigDump')).dynamic_active_clusters;
    assert.equal(clusters.find((c: { cluster: { name: string } }) => c.cluster.name === 'api').cluster.type, 'STRICT_DNS');
    await eventually(async () => {
      const seen = await client!.spread(40);
      return (seen.get('a') ?? 0) > 0 && (seen.get('b') ?? 0) > 0;
    }, 20_000, 200, 'Envoy sends calls to both addresses of backend.mesh.test');
    const dns = new DnsClient({ server: { address: '127.0.0.1', port: bind.port }, key: await loadTsigKey({ file: bind.keyFile }) });
    assert.deepEqual(
      await sendUpdate(dns, { zone: bind.zone, prerequisites: [], operations: [{ kind: 'delete-record', name: 'backend.mesh.test', record: { type: 'A', address: '127.0.0.2' } }] }),
      { kind: 'applied' },
    );
    await eventually(async () => {
      const seen = await client!.spread(20);
      return (seen.get('a') ?? 0) === 20;
    }, 20_000, 200, 'every call goes to 127.0.0.1 once the record is gone');
  });
});
