/**
 * The failover module against a real listening primary: an endpoint that accepts connections but
 * whose recent error rate (from the feature store) is above the policy's maxErrorRate is failed
 * over, with the error rate as evidence; without maxErrorRate it is not. Hold and release are
 * audited; an unknown service is refused with its code.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { API_VERSION } from '../../../api/config.ts';
import { systemClock } from '../../../api/clock.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { FailoverModule } from '../../../xds-server/app/failover-module.ts';
import { AuditLog } from '../../../xds-server/audit/audit-log.ts';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { formatConfigError } from '../../../xds-server/config/errors.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { DecisionBoard } from '../../../xds-server/pipeline/decision-board.ts';
import { eventually } from '../../support/eventually.ts';
import { LocalLeadership } from '../scaling/local-leadership.ts';
import { yamlOf, type Doc } from '../config/builders.ts';

describe('failover module: error-rate health', function () {
  this.timeout(20_000);
  let server: net.Server;
  let port: number;
  let module: FailoverModule | undefined;
  beforeEach(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterEach(async () => {
    module?.stop();
    await new Promise((r) => server.close(r));
  });

  function start(policy: Doc) {
    const docs: Doc[] = [
      { apiVersion: API_VERSION, kind: 'Service', metadata: { name: 'greeter' }, spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port }, { address: '127.0.0.1', port: 1, priority: 1 }] } },
      { apiVersion: API_VERSION, kind: 'FailoverPolicy', metadata: { name: 'greeter' }, spec: { service: 'greeter', probeInterval: '50ms', ...policy } },
    ];
    const r = parseConfigText(yamlOf(...docs), 'mesh.yaml');
    assert.ok(r.ok, r.ok ? '' : r.errors.map(formatConfigError).join('\n'));
    const board = new DecisionBoard(() => undefined);
    const features = new RingFeatureStore();
    const audit = new AuditLog({ clock: systemClock });
    module = new FailoverModule({ publisher: board.publisher('failover'), clock: systemClock, logger: silentLogger, leadership: new LocalLeadership(), audit, replica: 't', features });
    module.onConfig(r.config);
    module.start();
    const failing = setInterval(() => features.record({ service: 'greeter', endpoint: `127.0.0.1:${port}`, at: Date.now(), metrics: { error_rate: 0.9 } }), 50);
    return { board, audit, stopFeed: () => clearInterval(failing), m: module };
  }

  it('fails over a primary that accepts connections but fails 90% of requests', async () => {
    const { board, audit, stopFeed } = start({ maxErrorRate: 0.5 });
    try {
      await eventually(() => (board.decisions().get('failover')?.endpoints?.length ?? 0) > 0, 5000, 20, 'failover');
      assert.deepEqual(board.decisions().get('failover')!.endpoints, [{ service: 'greeter', endpoint: `127.0.0.1:${port}`, priority: 2 }]);
      const [entry] = audit.list({ action: 'failover.transition' });
      assert.deepEqual((entry!.evidence as any).endpoints, { [`127.0.0.1:${port}`]: 'error_rate 0.9' });
      // The failover dashboard's metrics: the current state is 1, the others 0; the move counted.
      const text = await module!.metrics.registry.metrics();
      assert.match(text, /prescient_failover_state\{service="greeter",state="primary"\} 0/);
      assert.match(text, /prescient_failover_state\{service="greeter",state="(failing-over|on-shadow)"\} 1/);
      assert.match(text, /prescient_failover_transitions_total\{service="greeter",to="failing-over"\} 1/);
      assert.match(text, /prescient_failover_held\{service="greeter"\} 0/);
    } finally {
      stopFeed();
    }
  });

  it('ignores the error rate without maxErrorRate; hold and release are audited', async () => {
    const { board, audit, stopFeed, m } = start({});
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(board.decisions().get('failover'), undefined);
      assert.match(await m.metrics.registry.metrics(), /prescient_failover_state\{service="greeter",state="primary"\} 1/);
      assert.equal((await m.hold('greeter', true)).action, 'failover.hold');
      assert.match(await m.metrics.registry.metrics(), /prescient_failover_held\{service="greeter"\} 1/);
      assert.equal((await m.hold('greeter', false)).action, 'failover.release');
      assert.deepEqual(audit.list().map((e) => e.action), ['failover.hold', 'failover.release']);
      await assert.rejects(m.hold('nope', true), /PRESCIENT_FAILOVER_UNKNOWN_SERVICE/);
    } finally {
      stopFeed();
    }
  });
});
