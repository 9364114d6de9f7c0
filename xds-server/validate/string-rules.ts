/** The `string` and `bytes` rule families of protoc-gen-validate. */
import { Buffer } from 'node:buffer';
import { type Constraint, unsupported, UNSUPPORTED_RULES } from './constraint.ts';
import { list, type RuleSet } from './rules.ts';
import { HEADER_LOOSE, HTTP_HEADER_NAME, HTTP_HEADER_VALUE, STRING_FORMATS } from './well-known.ts';

const STRING_KNOWN = [
  'const', 'len', 'min_len', 'max_len', 'len_bytes', 'min_bytes', 'max_bytes', 'pattern', 'prefix', 'suffix',
  'contains', 'not_contains', 'in', 'not_in', 'well_known_regex', 'strict', 'ignore_empty', ...Object.keys(STRING_FORMATS),
];

/** Code points, which is what PGV's *_len rules count. */
function chars(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** RE2 patterns as JavaScript regexes; a pattern JavaScript cannot express is reported unsupported. */
function compilePattern(family: string, pattern: unknown): RegExp | undefined {
  try {
    return new RegExp(String(pattern), 'u');
  } catch {
    UNSUPPORTED_RULES.add(`${family}.pattern:${String(pattern)}`);
    return undefined;
  }
}

function wellKnownRegex(r: RuleSet): { name: string; regex: RegExp } | undefined {
  const name = r.well_known_regex;
  if (name === undefined || name === 'UNKNOWN' || name === 0) return undefined;
  const strict = r.strict !== false;
  if (name === 'HTTP_HEADER_NAME' || name === 1) return { name: 'HTTP_HEADER_NAME', regex: strict ? HTTP_HEADER_NAME : HEADER_LOOSE };
  if (name === 'HTTP_HEADER_VALUE' || name === 2) return { name: 'HTTP_HEADER_VALUE', regex: strict ? HTTP_HEADER_VALUE : HEADER_LOOSE };
  UNSUPPORTED_RULES.add(`string.well_known_regex:${String(name)}`);
  return undefined;
}

export function stringConstraints(r: RuleSet): Constraint<string>[] {
  unsupported('string', r, STRING_KNOWN);
  const out: Constraint<string>[] = [];
  const n = (k: string) => Number(r[k]);
  const add = (key: string, ok: (s: string) => boolean, message: string) => out.push({ rule: `string.${key}`, ok, message });
  if (r.const !== undefined) add('const', (s) => s === r.const, `must equal ${JSON.stringify(r.const)}`);
  if (r.len !== undefined) add('len', (s) => chars(s) === n('len'), `must be exactly ${n('len')} characters`);
  if (r.min_len !== undefined) add('min_len', (s) => chars(s) >= n('min_len'), `must be at least ${n('min_len')} characters`);
  if (r.max_len !== undefined) add('max_len', (s) => chars(s) <= n('max_len'), `must be at most ${n('max_len')} characters`);
  if (r.len_bytes !== undefined) add('len_bytes', (s) => bytes(s) === n('len_bytes'), `must be exactly ${n('len_bytes')} bytes`);
  if (r.min_bytes !== undefined) add('min_bytes', (s) => bytes(s) >= n('min_bytes'), `must be at least ${n('min_bytes')} bytes`);
  if (r.max_bytes !== undefined) add('max_bytes', (s) => bytes(s) <= n('max_bytes'), `must be at most ${n('max_bytes')} bytes`);
  if (r.pattern !== undefined) {
    const re = compilePattern('string', r.pattern);
    if (re) add('pattern', (s) => re.test(s), `must match /${String(r.pattern)}/`);
  }
  if (r.prefix !== undefined) add('prefix', (s) => s.startsWith(String(r.prefix)), `must start with ${JSON.stringify(r.prefix)}`);
  if (r.suffix !== undefined) add('suffix', (s) => s.endsWith(String(r.suffix)), `must end with ${JSON.stringify(r.suffix)}`);
  if (r.contains !== undefined) add('contains', (s) => s.includes(String(r.contains)), `must contain ${JSON.stringify(r.contains)}`);
  if (r.not_contains !== undefined) add('not_contains', (s) => !s.includes(String(r.not_contains)), `must not contain ${JSON.stringify(r.not_contains)}`);
  if (r.in !== undefined) {
    const allowed = list(r.in);
    add('in', (s) => allowed.includes(s), `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  if (r.not_in !== undefined) {
    const denied = list(r.not_in);
    add('not_in', (s) => !denied.includes(s), `must not be one of ${denied.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  for (const [format, test] of Object.entries(STRING_FORMATS)) {
    if (r[format] === true) add(format, test, `must be a valid ${format}`);
  }
  const known = wellKnownRegex(r);
  if (known) add('well_known_regex', (s) => known.regex.test(s), `must be a valid ${known.name}`);
  return out;
}

function byteLength(v: unknown): number {
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length;
  return typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
}

export function bytesConstraints(r: RuleSet): Constraint<unknown>[] {
  unsupported('bytes', r, ['len', 'min_len', 'max_len', 'ignore_empty']);
  const out: Constraint<unknown>[] = [];
  const n = (k: string) => Number(r[k]);
  if (r.len !== undefined) out.push({ rule: 'bytes.len', ok: (v) => byteLength(v) === n('len'), message: `must be exactly ${n('len')} bytes` });
  if (r.min_len !== undefined) out.push({ rule: 'bytes.min_len', ok: (v) => byteLength(v) >= n('min_len'), message: `must be at least ${n('min_len')} bytes` });
  if (r.max_len !== undefined) out.push({ rule: 'bytes.max_len', ok: (v) => byteLength(v) <= n('max_len'), message: `must be at most ${n('max_len')} bytes` });
  return out;
}

/** PGV's `ignore_empty`: rules apply only to a non-empty value. */
export function isEmptyScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === 0n || v === false || (v instanceof Uint8Array && v.length === 0);
}
