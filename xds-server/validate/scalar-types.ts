/**
 * JavaScript shapes protobufjs `fromObject` accepts for each scalar proto type, and their
 * conversion to comparable values. 64-bit integers may arrive as number, decimal string, bigint
 * or Long and compare as bigint.
 */
export const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const UNSIGNED = new Set(['uint32', 'fixed32', 'uint64', 'fixed64']);
const INT32_TYPES = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32_TYPES = new Set(['uint32', 'fixed32']);
export const NUMERIC_TYPES = new Set([...INT64_TYPES, ...INT32_TYPES, ...UINT32_TYPES, 'float', 'double']);

const INTEGER_TEXT = /^-?\d+$/;

function isLong(v: unknown): v is { low: number; high: number; unsigned: boolean; toString(): string } {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v;
}

/** A 64-bit integer value or rule limit as bigint; NaN-like input becomes undefined. */
export function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'string') return INTEGER_TEXT.test(v) ? BigInt(v) : undefined;
  if (isLong(v)) return BigInt(v.toString());
  return undefined;
}

/** Why `value` cannot be a `type` field, or undefined when it can. */
export function scalarTypeError(type: string, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'expected a boolean';
    case 'bytes':
      return typeof value === 'string' || value instanceof Uint8Array || Array.isArray(value) ? undefined : 'expected bytes (base64 string or Uint8Array)';
    case 'float':
    case 'double':
      return typeof value === 'number' ? undefined : 'expected a number';
  }
  if (INT32_TYPES.has(type) || UINT32_TYPES.has(type)) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return 'expected an integer';
    const [min, max] = UINT32_TYPES.has(type) ? [0, 0xffffffff] : [-0x80000000, 0x7fffffff];
    return value < min || value > max ? `out of range for ${type}` : undefined;
  }
  if (INT64_TYPES.has(type)) {
    const b = toBigInt(value);
    if (b === undefined) return 'expected an integer (number, decimal string or Long)';
    return UNSIGNED.has(type) && b < 0n ? `out of range for ${type}` : undefined;
  }
  return `unsupported scalar type ${type}`;
}

/** The comparable form of a numeric value of `type` (callers have checked its shape). */
export function numericConverter(type: string): (v: unknown) => number | bigint {
  return INT64_TYPES.has(type) ? (v) => toBigInt(v) ?? 0n : (v) => Number(v);
}

/** Default (unset) value of a proto3 scalar, which PGV checks like any other. */
export function scalarDefault(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return new Uint8Array(0);
  return INT64_TYPES.has(type) ? 0n : 0;
}
