import assert from 'node:assert/strict';
import { KINDS, serviceReferences, valueFindings } from '../../../xds-server/config/kinds.ts';
import { readSchemaSet } from '../../../xds-server/config/schemas.ts';
import { meshConfig, resetDocumentCounter, route, rule, service, weightOverride } from '../../support/config-builders.ts';

describe('config kind registry', () => {
  beforeEach(() => resetDocumentCounter());

  it('registers only kinds that have a schema', () => {
    const schemas = readSchemaSet().kinds;
    const orphans = [...KINDS.keys()].filter((k) => !schemas.has(k));
    assert.deepEqual(orphans, [], 'every registry entry has a <Kind>.schema.json');
  });

  it('routes each document to its own kind\'s checks', () => {
    const r = route('r', { rules: [rule(['a', 'b'])] });
    assert.deepEqual(serviceReferences(r).map((x) => x.name), ['a', 'b']);
    assert.deepEqual(serviceReferences(weightOverride('w', { service: 'a', pin: 1 })).map((x) => x.name), ['a']);
    assert.deepEqual(serviceReferences(service('a')), [], 'a Service refers to no Service');
    const bad = weightOverride('w', { service: 'a', floor: 5, ceiling: 2 });
    assert.ok(valueFindings(bad).some((f) => f.segments.join('.').includes('floor') || f.segments.join('.').includes('ceiling')));
    assert.ok(meshConfig(service('a')).services.has('a'));
  });
});
