/**
 * The planner on its own, with the clock in the test's hands: minimal differences, never an
 * empty record set, thresholds as a band, hysteresis and the per-zone rate limit.
 */
import assert from 'node:assert/strict';
import type { CandidateEndpoint } from '../../../xds-server/dns/endpoint-selection.ts';
import { selectEndpoints, DEFAULT_THRESHOLDS } from '../../../xds-server/dns/endpoint-selection.ts';
import type { RecordSet } from '../../../xds-server/dns/record-data.ts';
import { diffRecordSets, updateRequest } from '../../../xds-server/dns/record-diff.ts';
import { UpdatePacer } from '../../../xds-server/dns/update-pacer.ts';
import { planZone, type PublishedState, type ZoneSettings } from '../../../xds-server/dns/zone-planner.ts';

function ep(n: number, over: Partial<CandidateEndpoint> = {}): CandidateEndpoint {
  return { key: `10.0.0.${n}:8080`, address: `10.0.0.${n}`, port: 8080, weight: 100, serving: true, ...over };
}

function settings(over: Partial<ZoneSettings> = {}): ZoneSettings {
  return {
    zone: 'mesh.test',
    ttlSeconds: 30,
    thresholds: { scoreDrop: 0.5, maxErrorRate: 0.1, maxLatencyMs: 200, recoveryMargin: 0.2 },
    srvWeightTolerance: 10,
    publish: [{ service: 'api', target: { name: 'api.mesh.test', addresses: true, srv: { service: '_grpc', protocol: '_tcp' } }, limits: { maxRecords: 8, minRecords: 1 } }],
    ...over,
  };
}

/** Applies a plan's changes to the published state, as a server that accepted it would. */
function apply(published: Map<string, Map<string, RecordSet>>, plan: ReturnType<typeof planZone>, pacer: UpdatePacer, now: number): void {
  for (const t of plan.targets.filter((t) => plan.sending.includes(t.name))) {
    const sets = published.get(t.name) ?? new Map<string, RecordSet>();
    for (const c of t.changes) {
      if (c.after.records.length) sets.set(c.key, c.after);
      else sets.delete(c.key);
    }
    published.set(t.name, sets);
    pacer.noteChanged(t.name, now);
  }
  if (plan.request) pacer.noteSent(now);
}

const addresses = (published: PublishedState) =>
  [...(published.get('api.mesh.test')?.get('api.mesh.test A')?.records ?? [])].map((r) => (r.type === 'A' ? r.address : '')).sort();

describe('DNS zone planner', () => {
  it('publishes A, SRV and SRV-target records, then sends only the difference', () => {
    const pacer = new UpdatePacer({ hysteresisMs: 30_000, maxUpdatesPerMinute: 60 });
    const published = new Map<string, Map<string, RecordSet>>();
    let endpoints = [ep(1, { weight: 300 }), ep(2, { weight: 200 })];
    const first = planZone(settings(), () => endpoints, published, pacer, 0);
    assert.deepEqual(first.sending, ['api.mesh.test']);
    const ops = first.request!.operations.map((o) => `${o.kind} ${o.name} ${JSON.stringify(o.kind === 'delete-rrset' ? o.type : o.record)}`);
    assert.deepEqual(ops.sort(), [
      'add _grpc._tcp.api.mesh.test {"type":"SRV","priority":0,"weight":40,"port":8080,"target":"ip4-10-0-0-2.api.mesh.test"}',
      'add _grpc._tcp.api.mesh.test {"type":"SRV","priority":0,"weight":60,"port":8080,"target":"ip4-10-0-0-1.api.mesh.test"}',
      'add api.mesh.test {"type":"A","address":"10.0.0.1"}',
      'add api.mesh.test {"type":"A","address":"10.0.0.2"}',
      'add ip4-10-0-0-1.api.mesh.test {"type":"A","address":"10.0.0.1"}',
      'add ip4-10-0-0-2.api.mesh.test {"type":"A","address":"10.0.0.2"}',
    ]);
    // Nothing there before: each set's prerequisite is "absent".
    assert.ok(first.request!.prerequisites.every((p) => p.kind === 'rrset-absent'));
    apply(published, first, pacer, 0);

    // Endpoint 2 stops serving: one A record and one SRV record go, its target name goes, the rest stays.
    endpoints = [ep(1, { weight: 300 }), ep(2, { weight: 200, serving: false })];
    const second = planZone(settings(), () => endpoints, published, pacer, 40_000);
    const ops2 = second.request!.operations.map((o) => `${o.kind} ${o.name}${o.kind === 'delete-rrset' ? ' ' + o.type : ' ' + JSON.stringify(o.record)}`);
    assert.deepEqual(ops2.sort(), [
      'add _grpc._tcp.api.mesh.test {"type":"SRV","priority":0,"weight":100,"port":8080,"target":"ip4-10-0-0-1.api.mesh.test"}',
      'delete-record _grpc._tcp.api.mesh.test {"type":"SRV","priority":0,"weight":40,"port":8080,"target":"ip4-10-0-0-2.api.mesh.test"}',
      'delete-record _grpc._tcp.api.mesh.test {"type":"SRV","priority":0,"weight":60,"port":8080,"target":"ip4-10-0-0-1.api.mesh.test"}',
      'delete-record api.mesh.test {"type":"A","address":"10.0.0.2"}',
      'delete-rrset ip4-10-0-0-2.api.mesh.test A',
    ]);
    // The prerequisites name exactly what was published.
    const pre = second.request!.prerequisites.find((p) => p.kind === 'rrset-equals' && p.set.name === 'api.mesh.test');
    assert.equal(pre?.kind === 'rrset-equals' && pre.set.records.length, 2);
  });

  it('never empties a name: when every endpoint fails, the last published one stays', () => {
    const pacer = new UpdatePacer({ hysteresisMs: 0, maxUpdatesPerMinute: 1000 });
    const published = new Map<string, Map<string, RecordSet>>();
    let endpoints = [ep(1), ep(2), ep(3)];
    apply(published, planZone(settings(), () => endpoints, published, pacer, 0), pacer, 0);
    endpoints = [ep(1, { serving: false }), ep(2, { errorRate: 0.9 }), ep(3)];
    apply(published, planZone(settings(), () => endpoints, published, pacer, 1), pacer, 1);
    assert.deepEqual(addresses(published), ['10.0.0.3']);
    endpoints = [ep(1, { serving: false }), ep(2, { errorRate: 0.9 }), ep(3, { latencyMs: 5000 })];
    const plan = planZone(settings(), () => endpoints, published, pacer, 2);
    assert.equal(plan.request, undefined, 'no change: the failing last endpoint stays published');
    assert.deepEqual(plan.targets.map((t) => t.changes.length), [0]);
    assert.deepEqual(plan.targets[0]!.selection.keptDegraded, ['10.0.0.3:8080']);
    assert.deepEqual(addresses(published), ['10.0.0.3']);
    // A service with no endpoints at all (e.g. removed from config) leaves the records alone.
    assert.equal(planZone(settings(), () => [], published, pacer, 3).request, undefined);
    assert.equal(planZone(settings(), () => undefined, published, pacer, 3).request, undefined);
  });

  it('fills up to minRecords with the least bad endpoints, published ones first', () => {
    const s = selectEndpoints([ep(1, { serving: false }), ep(2, { errorRate: 0.5 }), ep(3, { errorRate: 0.2 }), ep(4)], new Set(['10.0.0.2:8080']), { maxRecords: 8, minRecords: 3 }, {
      ...DEFAULT_THRESHOLDS,
      maxErrorRate: 0.1,
    });
    assert.deepEqual(s.selected.map((e) => e.key), ['10.0.0.4:8080', '10.0.0.2:8080', '10.0.0.3:8080']);
    assert.deepEqual(s.keptDegraded, ['10.0.0.2:8080', '10.0.0.3:8080']);
    assert.equal(s.degraded.get('10.0.0.1:8080'), 'not_serving');
  });

  it('uses thresholds as a band: leaves above the threshold, returns only inside the recovery margin', () => {
    const t = { scoreDrop: 0.5, maxLatencyMs: 200, recoveryMargin: 0.2 };
    const limits = { maxRecords: 8, minRecords: 1 };
    // Published at 190 ms: stays. Unpublished at 190 ms: not yet back (needs ≤ 160 ms).
    assert.equal(selectEndpoints([ep(1), ep(2, { latencyMs: 190 })], new Set(['10.0.0.2:8080']), limits, t).selected.length, 2);
    assert.equal(selectEndpoints([ep(1), ep(2, { latencyMs: 190 })], new Set(), limits, t).selected.length, 1);
    assert.equal(selectEndpoints([ep(1), ep(2, { latencyMs: 150 })], new Set(), limits, t).selected.length, 2);
    // Score drop: weight 45 against best 100 is below (1 − 0.5) × 100 → degraded.
    assert.equal(selectEndpoints([ep(1), ep(2, { weight: 45 })], new Set(['10.0.0.2:8080']), limits, t).degraded.get('10.0.0.2:8080'), 'score_drop');
  });

  it('a score jittering around the threshold causes at most one update per hysteresis period', () => {
    const hysteresisMs = 10_000;
    const pacer = new UpdatePacer({ hysteresisMs, maxUpdatesPerMinute: 1000 });
    const published = new Map<string, Map<string, RecordSet>>();
    // No recovery margin, so every crossing would change the set without hysteresis.
    const s = settings({ thresholds: { scoreDrop: 0.5, recoveryMargin: 0 } });
    const updates: number[] = [];
    let rng = 42;
    const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let now = 0; now <= 120_000; now += 250) {
      // Endpoint 2's weight jitters between 40 and 60 around the 50 line, every tick.
      const endpoints = [ep(1), ep(2, { weight: 40 + 20 * random() })];
      const plan = planZone(s, () => endpoints, published, pacer, now);
      if (plan.request) updates.push(now);
      apply(published, plan, pacer, now);
      assert.ok(addresses(published).length >= 1, 'never empty');
    }
    assert.ok(updates.length > 2, `the jitter does cross the threshold (${updates.length} updates)`);
    for (let i = 1; i < updates.length; i++) {
      assert.ok(updates[i]! - updates[i - 1]! >= hysteresisMs, `updates at ${updates[i - 1]} and ${updates[i]} ms are closer than the hysteresis`);
    }
    assert.ok(updates.length <= 120_000 / hysteresisMs + 1);
  });

  it('the first change after a quiet period goes out at once, and the zone rate limit holds back the rest', () => {
    const pacer = new UpdatePacer({ hysteresisMs: 10_000, maxUpdatesPerMinute: 2 });
    const published = new Map<string, Map<string, RecordSet>>();
    const many = settings({
      publish: ['a', 'b', 'c'].map((n) => ({ service: n, target: { name: `${n}.mesh.test`, addresses: true }, limits: { maxRecords: 8, minRecords: 1 } })),
    });
    let endpoints = [ep(1), ep(2)];
    const p0 = planZone(many, () => endpoints, published, pacer, 0);
    assert.equal(p0.sending.length, 3, 'one message for every due name');
    apply(published, p0, pacer, 0);
    endpoints = [ep(1), ep(2, { serving: false })];
    const p1 = planZone(many, () => endpoints, published, pacer, 5_000);
    assert.equal(p1.request, undefined);
    assert.equal(p1.nextAt, 10_000);
    const p2 = planZone(many, () => endpoints, published, pacer, 10_000);
    assert.equal(p2.sending.length, 3);
    apply(published, p2, pacer, 10_000);
    endpoints = [ep(1), ep(2)];
    const p3 = planZone(many, () => endpoints, published, pacer, 20_000);
    assert.equal(p3.request, undefined, 'two messages in the last minute: the zone waits');
    assert.equal(p3.nextAt, 60_000);
  });

  it('ignores SRV weight moves under the tolerance and replaces a set whose TTL changed', () => {
    const srv = (w: number): RecordSet => ({ name: '_grpc._tcp.x', type: 'SRV', ttl: 30, records: [{ type: 'SRV', priority: 0, weight: w, port: 1, target: 't' }] });
    assert.deepEqual(diffRecordSets(new Map([['k', srv(50)]]), new Map([['k', srv(55)]]), 10), []);
    assert.equal(diffRecordSets(new Map([['k', srv(50)]]), new Map([['k', srv(65)]]), 10).length, 1);
    const a30: RecordSet = { name: 'x', type: 'A', ttl: 30, records: [{ type: 'A', address: '10.0.0.1' }] };
    const req = updateRequest('z', diffRecordSets(new Map([['x A', a30]]), new Map([['x A', { ...a30, ttl: 10 }]])));
    assert.deepEqual(req.operations.map((o) => o.kind), ['delete-rrset', 'add']);
  });
});
