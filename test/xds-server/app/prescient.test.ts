/**
 * The composition root's own duties: pushing when a WeightOverride expires (nothing else changes
 * then), and releasing what it started when start fails half-way.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { Prescient } from '../../../xds-server/app/prescient.ts';
import { PrescientHarness, type DocSpec } from '../../support/prescient-harness.ts';
import { nodeMessage, RawXdsClient } from '../../support/raw-ads-client.ts';

const listening = (port = 0): Promise<net.Server> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
const closed = (s: net.Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
const portOf = (s: net.Server): number => (s.address() as net.AddressInfo).port;

describe('Prescient (composition root)', function () {
  this.timeout(20_000);

  it('pushes EDS again when a WeightOverride expires', async () => {
    // Far enough ahead that a start on a loaded machine (1.35 s seen) still sees it active.
    const expiresAt = new Date(Date.now() + 6000).toISOString();
    const docs: DocSpec[] = [
      { kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '10.0.0.1', port: 50051 }, { address: '10.0.0.2', port: 50051 }] } },
      { kind: 'WeightOverride', name: 'drain-2', spec: { service: 'greeter', endpoint: '10.0.0.2:50051', drain: true, expiresAt } },
    ];
    const h = await PrescientHarness.start(docs);
    const client = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
    try {
      const ads = client.sotw();
      ads.send({ node: nodeMessage({ id: 'sidecar-1', user_agent_name: 'envoy' }), type_url: TYPE_URL.endpoint, resource_names: ['greeter'] });
      const statuses = (r: { resources: { message: Record<string, any> }[] }): string[] =>
        r.resources[0]!.message.endpoints.flatMap((l: any) => l.lb_endpoints.map((e: any) => e.health_status ?? 'UNKNOWN'));
      const first = await ads.next(5000);
      assert.ok(statuses(first).includes('DRAINING'), 'drained while the override is active');
      ads.ack(first, ['greeter']);
      const second = await ads.next(10_000);
      assert.ok(!statuses(second).includes('DRAINING'), 'back in rotation once it expired, without any other change');
    } finally {
      client.close();
      await h.stop();
    }
  });

  it('releases the xDS port when the admin listener cannot bind', async () => {
    const busy = await listening();
    const free = await listening();
    const xdsPort = portOf(free);
    await closed(free);
    try {
      await assert.rejects(
        Prescient.start({
          configPaths: ['examples/demo/mesh.yaml'],
          xdsAddress: `127.0.0.1:${xdsPort}`,
          adminAddress: `127.0.0.1:${portOf(busy)}`,
          scorer: false,
          logger: silentLogger,
        }),
        /EADDRINUSE/,
      );
      await closed(await listening(xdsPort));
    } finally {
      await closed(busy);
    }
  });
});
