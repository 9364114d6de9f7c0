/**
 * Random bad edits of a realistic mesh config, for property tests of "bad input never reaches a
 * proxy". Starts from the documents of examples/demo/mesh.yaml (Service, Route, WeightOverride)
 * and applies one to three mutations an operator could plausibly make by mistake: a field
 * deleted, replaced or retyped, an out-of-range number, a bad string or duration, a huge value, a
 * wrong or unknown kind, a duplicated or dropped document, a broken reference, or damaged YAML
 * text. Every generated edit carries a short label so a failing or interesting case can be named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import YAML from 'yaml';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The demo mesh as shipped, and its documents as plain objects. */
export const DEMO_YAML = fs.readFileSync(path.join(REPO, 'examples/demo/mesh.yaml'), 'utf8');
export const DEMO_DOCS: readonly Record<string, unknown>[] = YAML.parseAllDocuments(DEMO_YAML).map((d) => d.toJS() as Record<string, unknown>);

export interface ConfigEdit {
  /** The YAML text to load. */
  text: string;
  /** What was done to the demo, e.g. `replace Route/greeter spec.rules.0.timeout = "1x"`. */
  label: string;
}

type Segment = string | number;
type Json = unknown;

const BAD_DURATIONS = ['1', '1x', '-1s', '1.5.s', '0s', '0', '1ns', '1e3s', '999999999999h', '315576000001s', 'P1D', '1h1h', '5 s', ' 1s', 's', '1s '];
const BAD_STRINGS = ['', ' ', '\u0000', '\t\n', 'a'.repeat(300), '*', '/', '..', 'UPPER_case', 'grêeter', '127.0.0.1:99999', '999.1.1.1', '::1', '[::1]', 'localhost', 'x'.repeat(70), '-greeter', 'greeter.', '${HOME}', '{}', 'null'];
const BAD_NUMBERS = [0, -1, -0.5, 1.5, 65535, 65536, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e20, 1e308, -1e308, 101, 1000, 1e6 + 1, Number.NaN, Infinity, -Infinity];
/** Values that are valid somewhere, so that some edits pass the loader and reach validation. */
const PLAUSIBLE = [1, 2, 3, 10, 100, 128, 50051, 'greeter', 'greeter-canary', '127.0.0.1', '10.0.0.1', '127.0.0.1:50051', 'grpc', 'http', 'http2', 'tcp', 'RING_HASH', 'MAGLEV', 'LEAST_REQUEST', 'RANDOM', '5s', '100ms', '1m30s', '/', '/api/', true, false, 'zone-c'];
const WRONG_SHAPES: Json[] = [null, true, [], {}, { a: 1 }, [1, 2], [[]], 'true', '1'];
const HUGE: Json[] = [Array.from({ length: 2000 }, (_, i) => i), 'y'.repeat(20_000), Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))];

const value: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...BAD_DURATIONS, ...BAD_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_NUMBERS) },
  { weight: 4, arbitrary: fc.constantFrom(...PLAUSIBLE) },
  { weight: 2, arbitrary: fc.constantFrom(...WRONG_SHAPES) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE) },
  { weight: 1, arbitrary: fc.integer({ min: -70000, max: 70000 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

type Mutation =
  | { op: 'delete' | 'retype'; doc: number; pick: number }
  | { op: 'replace'; doc: number; pick: number; value: Json }
  | { op: 'duplicate' | 'drop'; doc: number }
  | { op: 'rekind'; doc: number; kind: Json }
  | { op: 'reference'; which: number; name: string }
  | { op: 'targeted'; which: number };

const docIndex = fc.nat(DEMO_DOCS.length - 1);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), doc: docIndex, pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), doc: docIndex, pick: fc.nat(), value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('retype' as const), doc: docIndex, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('duplicate' as const, 'drop' as const), doc: docIndex }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rekind' as const), doc: docIndex, kind: fc.constantFrom<Json>('Service', 'Route', 'WeightOverride', 'ScoringPolicy', 'Gateway', 'service', '', 42, null) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reference' as const), which: fc.nat(), name: fc.constantFrom('ghost', 'greeter-canary', 'greeter', '127.0.0.1:1', '127.0.0.1:50061', '') }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('targeted' as const), which: fc.nat() }) },
);

function pathsOf(v: Json, at: Segment[] = []): Segment[][] {
  if (v === null || typeof v !== 'object') return [at];
  const entries: [Segment, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return [at, ...entries.flatMap(([k, x]) => pathsOf(x, [...at, k]))];
}

function docName(doc: Json): string {
  const d = doc as { kind?: unknown; metadata?: { name?: unknown } } | null;
  return `${String(d?.kind)}/${String(d?.metadata?.name)}`;
}

/** A value of another JSON type carrying the same information where possible. */
function retyped(v: Json): Json {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : [v];
  if (typeof v === 'boolean') return v ? 'yes' : 0;
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  if (v && typeof v === 'object') return Object.values(v);
  return 'null';
}

/** Edits at a path; the empty path replaces the whole document. Returns the label fragment. */
function editAt(docs: Json[], index: number, pick: number, edit: (old: Json) => Json | undefined, verb: string): string {
  const paths = pathsOf(docs[index]);
  const at = paths[pick % paths.length]!;
  const name = docName(docs[index]);
  if (at.length === 0) {
    const next = edit(docs[index]);
    docs[index] = next === undefined ? null : next;
    return `${verb} ${name} (whole document)`;
  }
  let parent = docs[index] as Record<Segment, Json>;
  for (const seg of at.slice(0, -1)) parent = parent[seg] as Record<Segment, Json>;
  const last = at[at.length - 1]!;
  const next = edit(parent[last]);
  if (next === undefined && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (next === undefined) delete parent[last];
  else parent[last] = next;
  return `${verb} ${name} ${at.join('.')}${next === undefined ? '' : ` = ${show(next)}`}`;
}

function show(v: Json): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** References between the demo documents, each broken (or redirected) by name. */
const REFERENCES: ((docs: Json[], name: string) => string)[] = [
  (docs, name) => setIn(docs, 'Route', ['spec', 'rules', 0, 'backends', 0, 'service'], name),
  (docs, name) => setIn(docs, 'Route', ['spec', 'rules', 0, 'backends', 1, 'service'], name),
  (docs, name) => setIn(docs, 'WeightOverride', ['spec', 'service'], name),
  (docs, name) => setIn(docs, 'WeightOverride', ['spec', 'endpoint'], name),
  (docs, name) => setIn(docs, 'Service', ['metadata', 'name'], name),
];

/**
 * Edits aimed at what Envoy checks beyond a field's own type: ranges, sums, uniqueness, syntax
 * inside strings. Each is plausible in a real config; together with the random ones they probe
 * for values the config schemas let through but Envoy would reject.
 */
const TARGETED: [Kind: string, at: Segment[], value: Json][] = [
  ['Route', ['spec', 'hosts'], ['greeter', 'greeter']],
  ['Route', ['spec', 'hosts'], ['*.*', 'a b']],
  ['Route', ['spec', 'hosts'], ['*']],
  ['Route', ['spec', 'listener', 'port'], 0],
  ['Route', ['spec', 'listener', 'port'], 65535],
  ['Route', ['spec', 'listener', 'address'], 'not-an-ip'],
  ['Route', ['spec', 'listener', 'address'], '::'],
  ['Route', ['spec', 'rules', 0, 'match'], { regex: '([' }],
  ['Route', ['spec', 'rules', 0, 'match'], { regex: 'a'.repeat(1100) }],
  ['Route', ['spec', 'rules', 0, 'match'], { path: '' }],
  ['Route', ['spec', 'rules', 0, 'match'], { prefix: 'no-slash' }],
  ['Route', ['spec', 'rules', 0, 'match'], { prefix: '/', headers: [{ name: 'X-Upper', exact: 'v' }] }],
  ['Route', ['spec', 'rules', 0, 'match'], { prefix: '/', headers: [{ name: ':path', regex: '(' }] }],
  ['Route', ['spec', 'rules', 0, 'match'], { prefix: '/', headers: [{ name: 'x-a' }] }],
  ['Route', ['spec', 'rules', 0, 'backends'], [{ service: 'greeter', weight: 2 ** 31 }, { service: 'greeter-canary', weight: 2 ** 31 }]],
  ['Route', ['spec', 'rules', 0, 'backends'], [{ service: 'greeter', weight: 0 }]],
  ['Route', ['spec', 'rules', 0, 'backends'], [{ service: 'greeter', weight: 1 }, { service: 'greeter', weight: 1 }]],
  ['Route', ['spec', 'rules', 0, 'backends'], []],
  ['Route', ['spec', 'rules', 0, 'timeout'], '0s'],
  ['Route', ['spec', 'rules', 0, 'timeout'], '100000000000s'],
  ['Route', ['spec', 'rules', 0, 'retries'], { attempts: 0, retryOn: [] }],
  ['Route', ['spec', 'rules', 0, 'retries'], { attempts: 2 ** 32, retryOn: ['unavailable'] }],
  ['Route', ['spec', 'rules', 0, 'retries'], { attempts: 2, retryOn: ['no-such-condition'], perTryTimeout: '0s' }],
  ['Route', ['spec', 'rules'], []],
  ['Service', ['spec', 'endpoints'], []],
  ['Service', ['spec', 'endpoints', 0, 'port'], 0],
  ['Service', ['spec', 'endpoints', 0, 'weight'], 2 ** 32],
  ['Service', ['spec', 'endpoints'], [{ address: '127.0.0.1', port: 1, weight: 2 ** 31 }, { address: '127.0.0.1', port: 2, weight: 2 ** 31 }]],
  ['Service', ['spec', 'endpoints'], [{ address: '127.0.0.1', port: 1 }, { address: '127.0.0.1', port: 1 }]],
  ['Service', ['spec', 'endpoints', 0, 'address'], 'localhost'],
  ['Service', ['spec', 'endpoints', 0, 'address'], '::1'],
  ['Service', ['spec', 'endpoints', 0, 'address'], ''],
  ['Service', ['spec', 'endpoints', 0, 'locality'], { region: '', zone: '', subZone: '' }],
  ['Service', ['spec', 'loadBalancing'], { policy: 'RING_HASH', ringHash: { minimumRingSize: 9_000_000, maximumRingSize: 1024 } }],
  ['Service', ['spec', 'loadBalancing'], { policy: 'RING_HASH', ringHash: { minimumRingSize: 0 } }],
  ['Service', ['spec', 'connectTimeout'], '0s'],
  ['Service', ['spec', 'connectTimeout'], '1ns'],
  ['Service', ['spec', 'outlierDetection', 'maxEjectionPercent'], 101],
  ['Service', ['spec', 'outlierDetection', 'interval'], '0s'],
  ['Service', ['spec', 'healthChecks', 0], { type: 'http', path: '', interval: '0s', timeout: '0s', unhealthyThreshold: 0, healthyThreshold: 0 }],
  ['Service', ['spec', 'healthChecks', 0], { type: 'grpc', path: 'a'.repeat(5000) }],
  ['Service', ['spec', 'healthChecks', 0], { type: 'tcp', interval: '0s' }],
  ['Service', ['spec', 'healthChecks', 0], { type: 'grpc', timeout: '0s' }],
  ['Service', ['spec', 'healthChecks', 0], { type: 'http', path: 'no-slash' }],
  ['Service', ['spec', 'outlierDetection', 'baseEjectionTime'], '0s'],
  ['Service', ['spec', 'outlierDetection', 'consecutive5xx'], 0],
  ['Route', ['spec', 'rules', 0, 'retries', 'perTryTimeout'], '0s'],
  ['Service', ['metadata', 'name'], 'g'.repeat(300)],
  ['Service', ['metadata', 'name'], 'greeter/v2'],
  ['WeightOverride', ['spec', 'pin'], 0],
  ['WeightOverride', ['spec', 'floor'], 2 ** 32],
  ['WeightOverride', ['spec', 'expiresAt'], '1970-01-01T00:00:00Z'],
  ['WeightOverride', ['spec', 'expiresAt'], 'tomorrow'],
];

function setIn(docs: Json[], kind: string, at: Segment[], name: Json): string {
  const doc = docs.find((d) => (d as { kind?: unknown } | null)?.kind === kind);
  if (!doc) return `reference ${kind} missing`;
  let node = doc as Record<Segment, Json>;
  for (const seg of at.slice(0, -1)) {
    if (node[seg] === null || typeof node[seg] !== 'object') return `reference ${kind} ${at.join('.')} missing`;
    node = node[seg] as Record<Segment, Json>;
  }
  node[at[at.length - 1]!] = name;
  return `set ${docName(doc)} ${at.join('.')} = ${show(name)}`;
}

function apply(docs: Json[], m: Mutation): string {
  const index = 'doc' in m ? m.doc % docs.length : 0;
  if (docs.length === 0) return 'no documents left';
  switch (m.op) {
    case 'delete':
      return editAt(docs, index, m.pick, () => undefined, 'delete');
    case 'replace':
      return editAt(docs, index, m.pick, () => structuredClone(m.value), 'replace');
    case 'retype':
      return editAt(docs, index, m.pick, retyped, 'retype');
    case 'duplicate':
      docs.push(structuredClone(docs[index]));
      return `duplicate ${docName(docs[index])}`;
    case 'drop':
      return `drop ${docName(docs.splice(index, 1)[0])}`;
    case 'rekind': {
      const doc = docs[index] as Record<string, Json> | null;
      if (doc && typeof doc === 'object') doc.kind = m.kind;
      return `rekind ${docName(doc)}`;
    }
    case 'reference':
      return REFERENCES[m.which % REFERENCES.length]!(docs, m.name);
    case 'targeted': {
      const [kind, at, v] = TARGETED[m.which % TARGETED.length]!;
      return setIn(docs, kind, at, structuredClone(v));
    }
  }
}

function stringify(docs: Json[]): string {
  return docs.map((d) => YAML.stringify(d)).join('---\n');
}

/** Structured edits: the documents, mutated, then serialized. */
const structuredEdit: fc.Arbitrary<ConfigEdit> = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => {
  const docs = structuredClone(DEMO_DOCS) as Json[];
  const labels = ms.map((m) => apply(docs, m));
  return { text: stringify(docs), label: labels.join('; ') };
});

/** Text edits of the demo YAML: characters that matter to YAML spliced in at random places. */
const textEdit: fc.Arbitrary<ConfigEdit> = fc
  .array(fc.record({ at: fc.nat(DEMO_YAML.length), cut: fc.nat(16), insert: fc.string({ maxLength: 6, unit: fc.constantFrom(...':-[]{}#&*!|>\'"% \n\t,?@`a1.') }) }), { minLength: 1, maxLength: 3 })
  .map((edits) => {
    let text = DEMO_YAML;
    for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.cut);
    return { text, label: `yaml text edit ${edits.map((e) => `@${e.at}-${e.cut}+${show(e.insert)}`).join(' ')}` };
  });

/** Random text, including binary, instead of a config file. */
const randomText: fc.Arbitrary<ConfigEdit> = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })).map((text) => ({ text, label: `random text ${show(text)}` }));

export const configEdit: fc.Arbitrary<ConfigEdit> = fc.oneof(
  { weight: 8, arbitrary: structuredEdit },
  { weight: 2, arbitrary: textEdit },
  { weight: 1, arbitrary: randomText },
);
