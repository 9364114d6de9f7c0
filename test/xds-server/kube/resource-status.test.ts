import assert from 'node:assert/strict';
import { CONFIG_ERROR, type ConfigError } from '../../../xds-server/config/index.ts';
import { contentKey, refOfOrigin, toResourceDocument } from '../../../xds-server/kube/custom-resource-document.ts';
import { sameStatus, statusFor } from '../../../xds-server/kube/resource-status.ts';
import type { ResourceVerdict } from '../../../xds-server/pipeline/admit-resources.ts';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const T1 = Date.parse('2026-11-29T11:00:00Z');
const origin = 'k8s:Service/team-a/greeter';
const doc = (generation: number) => ({ origin, value: {}, generation });
const error: ConfigError = { code: CONFIG_ERROR.schema, file: origin, documentIndex: 0, path: 'spec.endpoints[0].port', message: 'must be between 1 and 65535 (got 0)' };

describe('custom resource documents and statuses', () => {
  it('keeps only what the schemas describe, with generation beside the document', () => {
    const obj = {
      apiVersion: 'prescient.dev/v1alpha1',
      kind: 'Service',
      metadata: {
        name: 'greeter',
        namespace: 'team-a',
        generation: 3,
        uid: 'u',
        resourceVersion: '42',
        labels: { team: 'a' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
        managedFields: [],
      },
      spec: { endpoints: [] },
      status: { observedGeneration: 2 },
    };
    const d = toResourceDocument('Service', obj);
    assert.equal(d.origin, origin);
    assert.equal(d.generation, 3);
    assert.deepEqual(d.value, { apiVersion: 'prescient.dev/v1alpha1', kind: 'Service', metadata: { name: 'greeter', namespace: 'team-a', labels: { team: 'a' } }, spec: { endpoints: [] } });
    assert.deepEqual(refOfOrigin(origin), { kind: 'Service', namespace: 'team-a', name: 'greeter' });
    assert.equal(refOfOrigin('/etc/mesh.yaml'), undefined);
    // A status write (new resourceVersion, same generation and labels) is not a change; a label edit is.
    assert.equal(contentKey({ ...obj, metadata: { ...obj.metadata, resourceVersion: '43' }, status: {} }), contentKey(obj));
    assert.notEqual(contentKey({ ...obj, metadata: { ...obj.metadata, labels: { team: 'b' } } }), contentKey(obj));
    assert.notEqual(contentKey({ ...obj, metadata: { ...obj.metadata, generation: 4 } }), contentKey(obj));
  });

  it('accepted: True with the serving generation', () => {
    const s = statusFor({ origin, generation: 2, state: 'accepted', errors: [], serving: doc(2) }, [], undefined, T0);
    assert.deepEqual(s, {
      observedGeneration: 2,
      servingGeneration: 2,
      conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'in the configuration Prescient serves', observedGeneration: 2, lastTransitionTime: new Date(T0).toISOString() }],
    });
  });

  it('rejected: False with errors by JSON path, saying which generation keeps serving', () => {
    const v: ResourceVerdict = { origin, generation: 3, state: 'rejected', errors: [error], serving: doc(2) };
    const s = statusFor(v, [], undefined, T0);
    assert.equal(s.servingGeneration, 2);
    assert.equal(s.conditions[0].status, 'False');
    assert.equal(s.conditions[0].reason, 'Invalid');
    assert.equal(s.conditions[0].message, '1 error; generation 2 keeps serving. spec.endpoints[0].port: must be between 1 and 65535 (got 0) [PRESCIENT_CONFIG_SCHEMA]');
    assert.deepEqual(s.errors, [{ code: 'PRESCIENT_CONFIG_SCHEMA', path: 'spec.endpoints[0].port', message: 'must be between 1 and 65535 (got 0)' }]);
    const none = statusFor({ ...v, serving: undefined }, [], undefined, T0);
    assert.equal(none.servingGeneration, undefined);
    assert.match(none.conditions[0].message, /not in the configuration/);
  });

  it('refused: False, ConfigurationRefused, quoting the file errors', () => {
    const s = statusFor({ origin, generation: 1, state: 'refused', errors: [] }, ['/etc/mesh.yaml:3:5 document 0 spec: bad [PRESCIENT_CONFIG_SCHEMA]'], undefined, T0);
    assert.equal(s.conditions[0].reason, 'ConfigurationRefused');
    assert.match(s.conditions[0].message, /1 error outside custom resources.*\/etc\/mesh\.yaml:3:5/);
    assert.equal(s.errors, undefined);
  });

  it('keeps the transition time while the condition status holds, so the same verdict gives the same status', () => {
    const v: ResourceVerdict = { origin, generation: 3, state: 'rejected', errors: [error], serving: doc(2) };
    const first = statusFor(v, [], undefined, T0);
    const again = statusFor(v, [], first, T1);
    assert.ok(sameStatus(first, again));
    // Key order from the API server does not matter.
    const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());
    assert.ok(sameStatus({ ...reversed(again), conditions: again.conditions.map(reversed) }, first));
    const flipped = statusFor({ ...v, state: 'accepted', errors: [], serving: doc(3) }, [], first, T1);
    assert.equal(flipped.conditions[0].lastTransitionTime, new Date(T1).toISOString());
    assert.ok(!sameStatus(flipped, first));
  });

  it('caps errors at 20', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...error, path: `spec.endpoints[${i}].port` }));
    const s = statusFor({ origin, generation: 1, state: 'rejected', errors: many }, [], undefined, T0);
    assert.equal(s.errors!.length, 20);
    assert.match(s.conditions[0].message, /^30 errors; not in the configuration\./);
  });
});
