/**
 * A short hash of the configuration serving now, shown on /debug/config so operators can tell
 * whether two replicas (or a replica and a file) hold the same config. Over the documents' kind,
 * name and spec in a canonical order (file names and positions do not change it). Computed on
 * first request per accepted config and remembered, so reloads pay nothing for it.
 */
import { createHash } from 'node:crypto';
import type { AnyDocument, MeshConfig } from '../../api/config.ts';

const memo = new WeakMap<MeshConfig, string>();

export function configHash(config: MeshConfig): string {
  const known = memo.get(config);
  if (known) return known;
  // Every kind's documents, whatever field of MeshConfig holds them (maps by name or lists).
  const docs = Object.values(config)
    .flatMap((v: unknown) => (v instanceof Map ? [...v.values()] : Array.isArray(v) ? v : []))
    .filter((d): d is AnyDocument => typeof d === 'object' && d !== null && 'kind' in d && 'spec' in d)
    .map((d) => ({ kind: d.kind, name: d.metadata.name, spec: d.spec }))
    .sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.kind < b.kind ? -1 : 1));
  const hash = createHash('sha256');
  for (const d of docs) hash.update(canonicalJson(d)).update('\n');
  const digest = `sha256:${hash.digest('hex').slice(0, 16)}`;
  memo.set(config, digest);
  return digest;
}

/** JSON with object keys sorted, so equal documents hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
