/**
 * Documents that come from somewhere other than a YAML file (custom resources read from the
 * Kubernetes API server) as loader sources. Each is one document; its origin takes the place of a
 * file name in errors and in `DocumentOrigin` (`k8s:Service/ns/name`), and its index is 0. They
 * have no YAML text, so errors carry a JSON path but no line or column.
 */
import type { SourceDocument } from './yaml-source.ts';

/** One document held in memory, plain JSON-like data, named by `origin`. */
export interface InMemoryDocument {
  /** Unique among sources: `<scheme>:<what>`, e.g. `k8s:Service/default/greeter`. */
  readonly origin: string;
  readonly value: unknown;
}

/** Origins of in-memory documents start with one of these schemes. */
const IN_MEMORY_SCHEMES = ['k8s:'];

/** True for an origin made by an in-memory source (one document: "document 0" says nothing). */
export function isInMemoryOrigin(file: string): boolean {
  return IN_MEMORY_SCHEMES.some((s) => file.startsWith(s));
}

export function inMemorySource(doc: InMemoryDocument): SourceDocument {
  // Validation fills schema defaults into the value it checks: the caller's copy stays as it was.
  return { file: doc.origin, index: 0, value: structuredClone(doc.value), locate: () => undefined };
}
