/**
 * ajv's errors → ConfigErrors that say what to do. Paths point at the offending field itself
 * (for `required` and `additionalProperties` too), and the sub-errors of a failed anyOf/oneOf are
 * folded into the one message its schema declares under `x-prescient-messages`.
 */
import type { ErrorObject } from 'ajv';
import { CONFIG_ERROR, errorAt, type ConfigError, type PathSegments } from './errors.ts';
import { MESSAGES_KEYWORD } from './validators.ts';
import type { SourceDocument } from './yaml-source.ts';

export interface SchemaProblem {
  segments: PathSegments;
  message: string;
}

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'an RFC 3339 date-time such as 2030-01-31T12:00:00Z',
  hostname: 'a DNS host name',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

const COMBINATORS = new Set(['anyOf', 'oneOf', 'not']);

/** Keeps the errors a user can act on: the combinator's own error, not every branch that failed. */
function actionable(errors: readonly ErrorObject[]): ErrorObject[] {
  const folded = errors.filter((e) => COMBINATORS.has(e.keyword)).map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => !folded.some((prefix) => e.schemaPath.startsWith(prefix)));
}

/** `/spec/endpoints/1` → ['spec', 'endpoints', 1], numbering only where the data is an array. */
function segmentsOf(instancePath: string, root: unknown): PathSegments {
  const out: PathSegments = [];
  let node: unknown = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg = Array.isArray(node) ? Number(key) : key;
    out.push(seg);
    node = node === null || typeof node !== 'object' ? undefined : (node as Record<string | number, unknown>)[seg];
  }
  return out;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function typeName(t: string): string {
  return { object: 'a mapping', array: 'a list', integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', null: 'null' }[t] ?? t;
}

function messageFor(e: ErrorObject): string {
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const custom = (parent[MESSAGES_KEYWORD] as Record<string, string> | undefined)?.[e.keyword];
  const scalar = e.data === null || typeof e.data !== 'object';
  const got = scalar ? ` (got ${shown(e.data)})` : '';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return custom ?? 'is required; add it';
    case 'additionalProperties': {
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      return custom ?? `is not a known field; remove it or fix its spelling${allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''}`;
    }
    case 'type': {
      const types = Array.isArray(p.type) ? (p.type as string[]) : [String(p.type)];
      return (custom ?? `must be ${types.map(typeName).join(' or ')}`) + ` (got ${shown(e.data)})`;
    }
    case 'enum':
      return (custom ?? `must be one of: ${(p.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`) + got;
    case 'minimum':
    case 'maximum':
      if (typeof parent.minimum === 'number' && typeof parent.maximum === 'number') {
        return (custom ?? `must be between ${parent.minimum} and ${parent.maximum}`) + got;
      }
      return (custom ?? `must be ${p.comparison} ${p.limit}`) + got;
    case 'minItems':
      return custom ?? `must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return custom ?? `must have at most ${p.limit} items; split it up`;
    case 'minLength':
      return custom ?? (p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`);
    case 'maxLength':
      return (custom ?? `must be at most ${p.limit} characters long`) + got;
    case 'pattern':
      return (custom ?? `must match the pattern ${p.pattern}`) + got;
    case 'format':
      return (custom ?? `must be ${FORMAT_HINTS[String(p.format)] ?? `a valid ${p.format}`}`) + got;
    default:
      return (custom ?? e.message ?? 'is invalid') + got;
  }
}

/** The field an error is about: the missing or unknown property itself, not its parent. */
function problemOf(e: ErrorObject, root: unknown): SchemaProblem {
  const segments = segmentsOf(e.instancePath, root);
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') segments.push(String(p.missingProperty));
  if (e.keyword === 'additionalProperties') segments.push(String(p.additionalProperty));
  return { segments, message: messageFor(e) };
}

export function schemaProblems(errors: readonly ErrorObject[], root: unknown): SchemaProblem[] {
  return actionable(errors).map((e) => problemOf(e, root));
}

export function schemaErrors(source: SourceDocument, errors: readonly ErrorObject[], document?: string): ConfigError[] {
  return schemaProblems(errors, source.value).map((p) => errorAt(source, CONFIG_ERROR.schema, p.segments, p.message, document));
}
