/**
 * Config errors: every problem the loader finds, with a stable code (documented in
 * docs/errors.md), the file, document and JSON path it is about, and a message that says what to
 * do. Codes never change meaning; new problems get new codes.
 */
import { isInMemoryOrigin } from './in-memory-source.ts';
import type { SourceDocument } from './yaml-source.ts';

export type PathSegments = (string | number)[];

export const CONFIG_ERROR = {
  /** A path could not be read (missing file, permission, not a file or directory). */
  io: 'PRESCIENT_CONFIG_IO',
  /** The YAML text does not parse. */
  yaml: 'PRESCIENT_CONFIG_YAML',
  /** `apiVersion` is not `prescient.dev/v1alpha1`. */
  apiVersion: 'PRESCIENT_CONFIG_API_VERSION',
  /** `kind` has no schema. */
  unknownKind: 'PRESCIENT_CONFIG_UNKNOWN_KIND',
  /** The document does not match its kind's JSON Schema. */
  schema: 'PRESCIENT_CONFIG_SCHEMA',
  /** A value passes the schema but makes no sense with its siblings (floor > ceiling, bad regex). */
  value: 'PRESCIENT_CONFIG_VALUE',
  /** Two documents of one kind share a name, or one list holds the same item twice. */
  duplicate: 'PRESCIENT_CONFIG_DUPLICATE',
  /** A name points at a document (or endpoint) that does not exist. */
  reference: 'PRESCIENT_CONFIG_REFERENCE',
  /** Two documents claim the same listener port or host. */
  conflict: 'PRESCIENT_CONFIG_CONFLICT',
  /** MirrorRules copy traffic in a circle (A mirrors to B mirrors to A). */
  mirrorCycle: 'PRESCIENT_CONFIG_MIRROR_CYCLE',
  /** A file holds no document: usually a truncated write, which would withdraw everything. */
  empty: 'PRESCIENT_CONFIG_EMPTY',
  /** The documents render Envoy resources that Envoy's own validation rules reject. */
  envoy: 'PRESCIENT_CONFIG_ENVOY',
} as const;

export type ConfigErrorCode = (typeof CONFIG_ERROR)[keyof typeof CONFIG_ERROR];

export interface ConfigError {
  code: ConfigErrorCode;
  file: string;
  /** Zero-based position of the YAML document in its file; -1 when about the whole file. */
  documentIndex: number;
  /** JSON path inside the document, e.g. `spec.endpoints[1].port`; `` for the whole document. */
  path: string;
  message: string;
  /** 1-based, from the YAML node the path points at (or its nearest existing parent). */
  line?: number;
  column?: number;
  /** `Kind/name` of the document when known, for messages. */
  document?: string;
}

/**
 * `file:line:col document N (Kind/name) path: message [CODE]`, omitting what is unknown; an
 * in-memory document reads `k8s:Kind/namespace/name path: message [CODE]`.
 */
export function formatConfigError(e: ConfigError): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}:${e.column ?? 1}`;
  const parts = [where];
  if (e.documentIndex >= 0 && !isInMemoryOrigin(e.file)) parts.push(`document ${e.documentIndex}${e.document ? ` (${e.document})` : ''}`);
  const subject = e.path ? `${e.path}: ` : '';
  return `${parts.join(' ')} ${subject}${e.message} [${e.code}]`;
}

/** Where a document is, for messages: `file document N`, or the origin of an in-memory one. */
export function documentPlace(file: string, documentIndex: number): string {
  return isInMemoryOrigin(file) ? file : `${file} document ${documentIndex}`;
}

/** Joins JSON path segments: `spec`, `endpoints`, 1 → `spec.endpoints[1]`. */
export function jsonPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** A ConfigError about `segments` of `source`, located in the YAML where possible. */
export function errorAt(
  source: SourceDocument,
  code: ConfigError['code'],
  segments: PathSegments,
  message: string,
  document?: string,
): ConfigError {
  const pos = source.locate(segments);
  return {
    code,
    file: source.file,
    documentIndex: source.index,
    path: jsonPath(segments),
    message,
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    ...(document ? { document } : {}),
  };
}
