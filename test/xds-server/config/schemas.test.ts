import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { crdFor, inlineRefs, pluralOf, toStructural } from '../../../xds-server/config/crd.ts';
import { CONFIG_ERROR } from '../../../xds-server/config/errors.ts';
import { parseConfigText } from '../../../xds-server/config/loader.ts';
import { readSchemaSet, SCHEMA_DIR } from '../../../xds-server/config/schemas.ts';
import { compileValidators } from '../../../xds-server/config/validators.ts';
import { makeTempDir } from './temp-dir.ts';

describe('config schemas', () => {
  it('ships Service, Route and WeightOverride, each a whole-document schema', () => {
    const set = readSchemaSet();
    for (const kind of ['Service', 'Route', 'WeightOverride']) {
      const schema = set.kinds.get(kind);
      assert.ok(schema, kind);
      assert.deepEqual((schema.properties as Record<string, { enum?: string[] }>).kind.enum, [kind]);
    }
  });

  describe('kinds added as files', () => {
    let tmp: Awaited<ReturnType<typeof makeTempDir>>;
    beforeEach(async () => {
      tmp = await makeTempDir('prescient-schemas-');
      await fs.copyFile(path.join(SCHEMA_DIR, 'common.defs.json'), path.join(tmp.dir, 'common.defs.json'));
      // A spec-only schema, the way a kind's owner may write it: the loader adds the envelope.
      await fs.writeFile(path.join(tmp.dir, 'Widget.schema.json'), JSON.stringify({
        type: 'object',
        required: ['size'],
        properties: { size: { $ref: '#/$defs/size' }, every: { $ref: 'common.defs.json#/$defs/duration', default: '5s' } },
        additionalProperties: false,
        $defs: { size: { type: 'integer', minimum: 1 } },
      }));
      await fs.writeFile(path.join(tmp.dir, 'notes.json'), '{}');
    });
    afterEach(() => tmp.remove());

    it('picks up every <Kind>.schema.json and validates spec-only schemas inside the envelope', () => {
      const validators = compileValidators(readSchemaSet(tmp.dir));
      assert.deepEqual(validators.kinds, ['Widget']);
      const good = parseConfigText('apiVersion: prescient.dev/v1alpha1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 2}\n', 'w.yaml', { validators });
      assert.ok(good.ok);
      assert.deepEqual(good.documents[0].spec, { size: 2, every: '5s' });
      const bad = parseConfigText('apiVersion: prescient.dev/v1alpha1\nkind: Widget\nmetadata: {name: W}\nspec: {size: 0}\n', 'w.yaml', { validators });
      assert.ok(!bad.ok);
      assert.deepEqual(bad.errors.map((e) => e.path), ['metadata.name', 'spec.size']);
      const other = parseConfigText('apiVersion: prescient.dev/v1alpha1\nkind: Service\nmetadata: {name: s}\nspec: {}\n', 'w.yaml', { validators });
      assert.ok(!other.ok && other.errors[0].code === CONFIG_ERROR.unknownKind);
    });

    it('checks that a ScoringPolicy\'s services exist, whatever its schema looks like', async () => {
      await fs.copyFile(path.join(SCHEMA_DIR, 'Service.schema.json'), path.join(tmp.dir, 'Service.schema.json'));
      await fs.writeFile(path.join(tmp.dir, 'ScoringPolicy.schema.json'), JSON.stringify({
        type: 'object',
        properties: { services: { type: 'array', items: { $ref: 'common.defs.json#/$defs/name' } } },
      }));
      const validators = compileValidators(readSchemaSet(tmp.dir));
      const text = [
        'apiVersion: prescient.dev/v1alpha1\nkind: Service\nmetadata: {name: greeter}\nspec: {endpoints: [{address: 127.0.0.1, port: 1}]}\n',
        'apiVersion: prescient.dev/v1alpha1\nkind: ScoringPolicy\nmetadata: {name: p}\nspec: {services: [greeter, nope]}\n',
      ].join('---\n');
      const result = parseConfigText(text, 'p.yaml', { validators });
      assert.ok(!result.ok);
      assert.deepEqual(result.errors.map((e) => [e.code, e.documentIndex, e.path]), [[CONFIG_ERROR.reference, 1, 'spec.services[1]']]);
    });

    it('turns a spec-only schema into a CRD with its refs inlined', () => {
      const set = readSchemaSet(tmp.dir);
      const crd = crdFor('Widget', set.kinds.get('Widget')!, set) as { metadata: { name: string }; spec: { versions: { schema: { openAPIV3Schema: unknown } }[] } };
      assert.equal(crd.metadata.name, 'widgets.prescient.dev');
      const spec = (crd.spec.versions[0].schema.openAPIV3Schema as { properties: { spec: unknown } }).properties.spec;
      assert.deepEqual(spec, {
        type: 'object',
        required: ['size'],
        properties: {
          size: { type: 'integer', minimum: 1 },
          every: { type: 'string', maxLength: 64, pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$', default: '5s' },
        },
      });
    });
  });

  describe('CRD conversion', () => {
    it('refuses a node without a type, since CRD schemas must be structural', () => {
      assert.throws(() => toStructural({ type: 'object', properties: { a: { minimum: 1 } } }), /PRESCIENT_SCHEMA_STRUCTURAL: spec\.a/);
    });

    it('keeps value checks in anyOf/oneOf/not, rewrites const and numeric exclusive bounds, marks open objects', () => {
      const out = toStructural({
        type: 'object',
        properties: { a: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] }, b: { type: 'string', const: 'x' }, c: { type: 'object' }, d: { type: 'number', exclusiveMinimum: 0 } },
        additionalProperties: false,
        not: { required: ['a', 'b'] },
        'x-prescient-messages': { not: 'no' },
      });
      assert.deepEqual(out, {
        type: 'object',
        properties: {
          a: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
          b: { type: 'string', enum: ['x'] },
          c: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          d: { type: 'number', minimum: 0, exclusiveMinimum: true },
        },
        not: { required: ['a', 'b'] },
      });
    });

    it('refuses refs it cannot resolve and recursive refs', () => {
      assert.throws(() => inlineRefs({ $ref: 'nope.json#/x' }, new Map(), 'https://prescient.dev/schemas/a.json'), /cannot resolve/);
      const loop = { $id: 'https://prescient.dev/schemas/a.json', $defs: { n: { type: 'object', properties: { next: { $ref: '#/$defs/n' } } } }, $ref: '#/$defs/n' };
      assert.throws(() => inlineRefs(loop, new Map([[loop.$id, loop]])), /recursive/);
    });

    it('names plurals the Kubernetes way', () => {
      assert.deepEqual(['Service', 'Route', 'WeightOverride', 'ScoringPolicy', 'MirrorRule'].map(pluralOf),
        ['services', 'routes', 'weightoverrides', 'scoringpolicies', 'mirrorrules']);
    });
  });
});
