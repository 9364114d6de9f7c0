/** Fixture builders: minimal valid documents, overridable per test, and YAML text from them. */
import { stringify } from 'yaml';
import { API_VERSION } from '../../../api/config.ts';

export type Doc = Record<string, unknown>;

export function serviceDoc(name = 'greeter', spec: Doc = {}): Doc {
  return {
    apiVersion: API_VERSION,
    kind: 'Service',
    metadata: { name },
    spec: { endpoints: [{ address: '127.0.0.1', port: 50051 }, { address: '127.0.0.1', port: 50052 }], ...spec },
  };
}

export function routeDoc(name = 'greeter', spec: Doc = {}): Doc {
  return {
    apiVersion: API_VERSION,
    kind: 'Route',
    metadata: { name },
    spec: { hosts: [name], rules: [{ backends: [{ service: 'greeter' }] }], ...spec },
  };
}

export function overrideDoc(name = 'cap', spec: Doc = {}): Doc {
  return { apiVersion: API_VERSION, kind: 'WeightOverride', metadata: { name }, spec: { service: 'greeter', ceiling: 10, ...spec } };
}

export function yamlOf(...docs: Doc[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

/** A copy of `doc` with the value at `path` replaced (or deleted when `value` is undefined). */
export function withValue(doc: Doc, path: readonly (string | number)[], value: unknown): Doc {
  const copy = structuredClone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}
