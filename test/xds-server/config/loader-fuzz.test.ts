import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseConfigText, type ConfigLoadResult } from '../../../xds-server/config/loader.ts';
import { overrideDoc, routeDoc, serviceDoc, yamlOf, type Doc } from './builders.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SEEDS: Doc[] = [
  serviceDoc(),
  routeDoc('greeter', { listener: { port: 8080 }, rules: [{ match: { prefix: '/', headers: [{ name: 'x-a', exact: 'b' }] }, backends: [{ service: 'greeter', weight: 3 }], timeout: '1s', retries: { attempts: 2 } }] }),
  overrideDoc('cap', { endpoint: '127.0.0.1:50051', reason: 'fuzz' }),
];
const DEMO = fs.readFileSync(path.join(REPO, 'examples/demo/mesh.yaml'), 'utf8');

type Path = (string | number)[];

function pathsOf(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
}

interface Mutation {
  pick: number;
  remove: boolean;
  value: unknown;
}

function mutate(doc: Doc, mutations: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const m of mutations) {
    const paths = pathsOf(root);
    const target = paths[m.pick % paths.length];
    if (target.length === 0) {
      root = m.value;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const seg of target.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
    const last = target[target.length - 1];
    if (m.remove && Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (m.remove) delete parent[last];
    else parent[last] = m.value;
  }
  return root;
}

const interesting = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(0, -1, 65536, 1e6 + 1, 1.5, Number.NaN, Infinity, '', ' ', '1s', '127.0.0.1:50051', 'greeter', 'RING_HASH', null, [], {}),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.record({ pick: fc.nat(), remove: fc.boolean(), value: interesting });

/** A result that is one of the two documented shapes. */
function assertWellFormed(result: ConfigLoadResult): void {
  if (result.ok) {
    assert.ok(result.config.services instanceof Map);
    return;
  }
  assert.ok(result.errors.length > 0);
  for (const e of result.errors) {
    assert.match(e.code, /^PRESCIENT_CONFIG_[A-Z_]+$/);
    assert.equal(typeof e.path, 'string');
    assert.equal(typeof e.message, 'string');
    assert.ok(Number.isInteger(e.documentIndex));
  }
}

describe('config loader under random input', () => {
  it('never throws on 1,000 randomly mutated documents', () => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        const docs = [serviceDoc(), mutate(SEEDS[seed], mutations) as Doc];
        assertWellFormed(parseConfigText(yamlOf(...docs), 'fuzz.yaml'));
      }),
      { numRuns: 1000, seed: 20250101 },
    );
  });

  it('never throws on 1,000 random edits to the demo YAML text', () => {
    const edit = fc.record({ at: fc.nat(DEMO.length), cut: fc.nat(12), insert: fc.string({ maxLength: 8, unit: fc.constantFrom(...':-[]{}#&*!|>\'"% \n\tab1.') }) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = DEMO;
        for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.cut);
        assertWellFormed(parseConfigText(text, 'demo.yaml'));
      }),
      { numRuns: 1000, seed: 20250102 },
    );
  });
});
