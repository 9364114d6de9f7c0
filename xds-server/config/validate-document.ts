/**
 * One YAML document → a typed, defaulted AnyDocument, or the errors that keep it out. Envelope
 * problems (not a mapping, wrong apiVersion, unknown kind) stop early because the kind's schema
 * cannot say anything useful then; everything else is collected.
 */
import { API_VERSION, type AnyDocument } from '../../api/config.ts';
import { CONFIG_ERROR, errorAt, type ConfigError } from './errors.ts';
import { schemaErrors } from './schema-errors.ts';
import type { KindValidators } from './validators.ts';
import { normalizeDocument, valueFindings } from './kinds.ts';
import type { SourceDocument } from './yaml-source.ts';

export interface CheckedDocument {
  readonly source: SourceDocument;
  /**
   * Set when the envelope is Prescient's (apiVersion, known kind) and metadata.name is a string,
   * even if the rest is invalid: enough to take part in name and reference checks.
   */
  readonly identity?: { kind: string; name: string };
  /** Set only when the document has no errors. */
  readonly document?: AnyDocument;
  readonly errors: ConfigError[];
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function identityOf(value: Record<string, unknown>): { kind: string; name: string } | undefined {
  const meta = value.metadata;
  const name = isMapping(meta) ? meta.name : undefined;
  return typeof value.kind === 'string' && typeof name === 'string' ? { kind: value.kind, name } : undefined;
}

export function validateDocument(source: SourceDocument, validators: KindValidators): CheckedDocument {
  const value = source.value;
  const fail = (errors: ConfigError[], identity?: { kind: string; name: string }): CheckedDocument =>
    identity ? { source, identity, errors } : { source, errors };
  if (!isMapping(value)) {
    return fail([errorAt(source, CONFIG_ERROR.schema, [], 'must be a mapping with apiVersion, kind, metadata and spec')]);
  }
  const identity = identityOf(value);
  const label = identity ? `${identity.kind}/${identity.name}` : undefined;
  if (value.apiVersion !== API_VERSION) {
    const got = value.apiVersion === undefined ? 'it is missing' : `got ${JSON.stringify(value.apiVersion)}`;
    const hint = typeof value.kind === 'string' && !validators.get(value.kind) ? '; is this a file meant for kubectl rather than Prescient?' : '';
    return fail([errorAt(source, CONFIG_ERROR.apiVersion, ['apiVersion'], `must be ${API_VERSION} (${got})${hint}`, label)]);
  }
  const validate = typeof value.kind === 'string' ? validators.get(value.kind) : undefined;
  if (!validate) {
    const got = value.kind === undefined ? 'it is missing' : `got ${JSON.stringify(value.kind)}`;
    return fail([errorAt(source, CONFIG_ERROR.unknownKind, ['kind'], `must be one of ${validators.kinds.join(', ')} (${got})`, label)]);
  }
  if (!validate(value)) return fail(schemaErrors(source, validate.errors ?? [], label), identity);
  const document = normalizeDocument({ ...value, origin: { file: source.file, documentIndex: source.index } } as unknown as AnyDocument);
  const findings = valueFindings(document).map((f) => errorAt(source, f.code, f.segments, f.message, label));
  if (findings.length > 0) return fail(findings, identity);
  return { source, identity, document, errors: [] };
}
