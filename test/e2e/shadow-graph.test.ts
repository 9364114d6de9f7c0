/**
 * A graph-scoped shadow network for real, with @grpc/grpc-js-xds clients and real gRPC servers:
 * Service `orders` has a placement template with `scope: graph` calling `stock`. A client in the
 * shadow node group (node metadata PRESCIENT_SHADOW=true, grouped with label
 * prescient.dev/shadow=true — what the shadow workloads' clients carry) reaches only shadows: its
 * calls to `orders` and `stock` land on the shadow servers and `billing`, outside the graph, has
 * no endpoints for it. An ordinary client keeps reaching the primaries.
 */
import assert from 'node:assert/strict';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { errorsIn, spreadCalls } from '../support/call-tally.ts';
import { eventually } from '../support/eventually.ts';
import { backendService } from '../support/meshes.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { EchoClient } from '../support/xds-channel.ts';

describe('e2e: shadow network with scope graph (real grpc-js-xds clients)', function () {
  this.timeout(60_000);
  let servers: BackendServer[];
  let h: PrescientHarness;
  const clients: EchoClient[] = [];
  const client = (target: string, shadow: boolean) => {
    const c = new EchoClient(target, h.xdsPort, shadow ? { metadata: { PRESCIENT_SHADOW: 'true' } } : undefined);
    clients.push(c);
    return c;
  };

  before(async () => {
    servers = await startBackends(['orders-1', 'orders-shadow-1', 'stock-1', 'stock-shadow-1', 'billing-1']);
    const [orders, ordersShadow, stock, stockShadow, billing] = servers as [BackendServer, BackendServer, BackendServer, BackendServer, BackendServer];
    const shadowAt = (s: BackendServer) => [{ address: '127.0.0.1', port: s.port }];
    h = await PrescientHarness.start([
      backendService('orders', [{ server: orders }], { shadowNetwork: { scope: 'graph', calls: ['stock'], endpoints: shadowAt(ordersShadow) } }),
      backendService('stock', [{ server: stock }], { shadowNetwork: { enabled: false, endpoints: shadowAt(stockShadow) } }),
      backendService('billing', [{ server: billing }]),
    ], { nodeGroups: [{ group: 'shadows', metadata: { PRESCIENT_SHADOW: 'true' }, labels: { 'prescient.dev/shadow': 'true' } }] });
  });

  after(async () => {
    for (const c of clients) c.close();
    await h?.stop();
    await Promise.all((servers ?? []).map((s) => s.stop()));
  });

  it('shadow clients reach only shadows; ordinary clients the primaries', async () => {
    const expect = async (c: EchoClient, id: string) => {
      await eventually(async () => (await c.call()).backend === id, 15_000, 100, `reaches ${id}`);
      const counts = await spreadCalls(c, 50, 5);
      assert.deepEqual([...counts], [[id, 50]]);
    };
    await expect(client('xds:///orders', true), 'orders-shadow-1');
    await expect(client('xds:///stock', true), 'stock-shadow-1');
    await expect(client('xds:///orders', false), 'orders-1');
    await expect(client('xds:///stock', false), 'stock-1');
    await expect(client('xds:///billing', false), 'billing-1');

    const outside = client('xds:///billing', true);
    await eventually(async () => (await outside.call(1000)).code !== undefined, 15_000, 100, 'billing answers shadows with an error');
    const counts = await spreadCalls(outside, 20, 5);
    assert.equal(counts.get('billing-1'), undefined, 'no shadow call reaches the billing primary');
    assert.equal(errorsIn(counts).reduce((n, [, k]) => n + k, 0), 20);

    const status = await h.adminJson('/debug/mirrors');
    const orders = status.shadows.find((s: any) => s.service === 'orders');
    assert.deepEqual([orders.source, orders.scope, orders.graph], ['Service', 'graph', ['orders', 'stock']]);
  });
});
