/**
 * The scaling module on a virtual clock with a real feature store: a sustained high cpu scales out
 * through the webhook actuator (a real HTTP server started here); a failing webhook leaves the
 * replicas and records the error; forecast-only mode reports without calling the actuator; every
 * decision is audited.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_VERSION } from '../../../api/config.ts';
import { LocalLeadership } from './local-leadership.ts';
import { VirtualClock } from '../../../api/virtual-clock.ts';
import { RingFeatureStore } from '../../../scorer/features/ring-feature-store.ts';
import { ScalingModule } from '../../../xds-server/app/scaling-module.ts';
import { AuditLog } from '../../../xds-server/audit/audit-log.ts';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { formatConfigError } from '../../../xds-server/config/errors.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { serviceDoc, yamlOf, type Doc } from '../config/builders.ts';

const policy = (spec: Doc): Doc => ({
  apiVersion: API_VERSION,
  kind: 'ScalingPolicy',
  metadata: { name: 'greeter' },
  spec: { service: 'greeter', metric: 'cpu', scaleOutAbove: 0.8, scaleInBelow: 0.2, duration: '20s', cooldown: '1m', startupTime: '30s', interval: '5s', minReplicas: 1, maxReplicas: 5, ...spec },
});

describe('scaling module', () => {
  let server: http.Server;
  let url: string;
  let received: any[];
  let status: number;
  beforeEach(async () => {
    received = [];
    status = 200;
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/scale`;
  });
  afterEach(() => new Promise((r) => server.close(r)));

  function setup(spec: Doc) {
    const result = parseConfigText(yamlOf(serviceDoc('greeter'), policy(spec)), 'mesh.yaml');
    assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    const clock = new VirtualClock(1_000_000);
    const features = new RingFeatureStore();
    const audit = new AuditLog({ clock });
    const module = new ScalingModule({ features, clock, logger: silentLogger, leadership: new LocalLeadership(), audit, replica: 'test' });
    module.onConfig(result.config);
    /** cpu of both endpoints (127.0.0.1:50051/50052) from `from` to now, one observation a second. */
    const feed = (fromMs: number, value: (t: number) => number) => {
      for (let t = clock.now() - fromMs; t <= clock.now(); t += 1000) {
        for (const endpoint of ['127.0.0.1:50051', '127.0.0.1:50052']) features.record({ service: 'greeter', endpoint, at: t, metrics: { cpu: value(t) } });
      }
    };
    return { clock, module, feed, audit };
  }

  it('scales out through the webhook after the threshold held for the duration, then cools down', async () => {
    const { module, feed, clock, audit } = setup({ actuator: { type: 'webhook', url } });
    feed(25_000, () => 0.95);
    const d = (await module.evaluateNow('greeter'))!;
    assert.deepEqual([d.action, d.from, d.to, d.basis, d.applied, d.actuator], ['scale-out', 2, 3, 'observed', true, 'webhook']);
    assert.equal(received.length, 1);
    assert.deepEqual([received[0].service, received[0].from, received[0].to, received[0].action], ['greeter', 2, 3, 'scale-out']);
    await clock.advance(10_000);
    feed(25_000, () => 0.95);
    assert.equal(await module.evaluateNow('greeter'), undefined, 'cooldown');
    const entry = audit.list({ action: 'scaling.' })[0]!;
    assert.deepEqual([entry.before, entry.after], [{ replicas: 2 }, { replicas: 3, wanted: 3 }]);
  });

  it('a failing webhook keeps the replicas and records the error', async () => {
    status = 500;
    const { module, feed } = setup({ actuator: { type: 'webhook', url } });
    feed(25_000, () => 0.95);
    const d = (await module.evaluateNow('greeter'))!;
    assert.equal(d.applied, false);
    assert.match(d.error!, /answered 500/);
    assert.equal((module.status().policies[0] as any).replicas, 2);
  });

  it('forecast-only mode reports what it would do and never calls the actuator', async () => {
    const { module, feed } = setup({ actuator: { type: 'webhook', url }, mode: 'forecastOnly' });
    // Rising 0.3 → 0.6 over 30 s: observed never above 0.8, the trend 30 s ahead is.
    feed(30_000, (t) => 0.3 + (0.3 * (t - (1_000_000 - 30_000))) / 30_000);
    const d = (await module.evaluateNow('greeter'))!;
    assert.deepEqual([d.action, d.basis, d.mode, d.actuator, d.applied], ['scale-out', 'forecast', 'forecastOnly', 'none', false]);
    assert.equal(received.length, 0);
  });

  it('audit revert scales an applied decision back through the actuator, audited and revertible in turn', async () => {
    const { module, feed, audit } = setup({ actuator: { type: 'webhook', url } });
    feed(25_000, () => 0.95);
    await module.evaluateNow('greeter');
    const decision = audit.list({ action: 'scaling.decision' }).at(-1)!;
    assert.equal(decision.revertible, true);
    const undo = await audit.revert(decision.id);
    assert.deepEqual([undo.action, undo.revertOf, undo.actor.module, undo.before, undo.after, undo.revertible], ['scaling.revert', decision.id, 'operator', { replicas: 3 }, { replicas: 2 }, true]);
    assert.deepEqual(received.map((r) => [r.action, r.from, r.to, r.basis]), [['scale-out', 2, 3, 'observed'], ['scale-in', 3, 2, 'operator']]);
    assert.equal((module.status().policies[0] as any).replicas, 2);
    assert.deepEqual(module.status().decisions.at(-1)!.audit, undo.id);
    const redo = await audit.revert(undo.id);
    assert.deepEqual([redo.before, redo.after], [{ replicas: 2 }, { replicas: 3 }]);
    assert.deepEqual(received.at(-1)!.to, 3);

    status = 500;
    await assert.rejects(audit.revert(redo.id), /PRESCIENT_AUDIT_REVERT_FAILED.*replicas stay at 3|replicas stay at 3/);
    assert.equal((module.status().policies[0] as any).replicas, 3, 'a failed undo changes nothing');
  });

  it('a failed or forecast-only decision cannot be reverted (it changed nothing)', async () => {
    status = 500;
    const { module, feed, audit } = setup({ actuator: { type: 'webhook', url } });
    feed(25_000, () => 0.95);
    await module.evaluateNow('greeter');
    const failed = audit.list({ action: 'scaling.decision' }).at(-1)!;
    assert.equal(failed.revertible, false);
    await assert.rejects(audit.revert(failed.id), /PRESCIENT_AUDIT_NOT_REVERTIBLE|cannot be undone/);
  });

  it('does nothing on a low forecast alone, and scales in on observed low load', async () => {
    const { module, feed } = setup({});
    feed(30_000, (t) => 0.5 - (0.3 * (t - (1_000_000 - 30_000))) / 30_000);
    assert.equal(await module.evaluateNow('greeter'), undefined, 'falling towards 0.2 is not observed low load');
    feed(25_000, () => 0.1);
    const d = (await module.evaluateNow('greeter'))!;
    assert.deepEqual([d.action, d.from, d.to, d.actuator], ['scale-in', 2, 1, 'dryRun']);
  });
});
