/**
 * envoy.type.matcher.v3.StringMatcher evaluated against a string. `safe_regex` is RE2 syntax in
 * Envoy and runs here on RE2 itself (re2js, a port of RE2): matching is linear in the input, so a
 * client's regex cannot stall the event loop by backtracking (JavaScript's RegExp took over 7 s for
 * `(a+)+` against 30 characters). The regex and each matched value have length limits too, since
 * linear still scales with both.
 */
import { RE2JS } from 're2js';
import { CsdsRequestError } from './csds-error.ts';

/** Longest `safe_regex` accepted; Envoy's default program-size limit admits regexes of about this size. */
export const MAX_REGEX_LENGTH = 1024;
/** Values longer than this never match a regex (node ids and metadata strings are short in practice). */
export const MAX_MATCHED_LENGTH = 16_384;

/** A StringMatcher in protobufjs toObject form (unset fields absent), already checked against its proto rules. */
export interface StringMatcherMessage {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: { regex?: string } | null;
  custom?: object | null;
  ignore_case?: boolean;
}

const PATTERNS = ['exact', 'prefix', 'suffix', 'contains', 'safe_regex', 'custom'] as const;

export type StringPredicate = (value: string) => boolean;

/** `at` names the matcher in error messages, e.g. `node_matchers[0].node_id`. */
export function compileStringMatcher(m: StringMatcherMessage, at: string): StringPredicate {
  const fold = m.ignore_case ? (s: string) => s.toLowerCase() : (s: string) => s;
  const pattern = oneofCase(m, PATTERNS);
  switch (pattern) {
    case 'exact': {
      const want = fold(m.exact ?? '');
      return (v) => fold(v) === want;
    }
    case 'prefix': {
      const want = fold(m.prefix ?? '');
      return (v) => fold(v).startsWith(want);
    }
    case 'suffix': {
      const want = fold(m.suffix ?? '');
      return (v) => fold(v).endsWith(want);
    }
    case 'contains': {
      const want = fold(m.contains ?? '');
      return (v) => fold(v).includes(want);
    }
    case 'safe_regex': {
      // Envoy ignores ignore_case for safe_regex; so does Prescient.
      const re = wholeMatch(m.safe_regex?.regex ?? '', `${at}.safe_regex.regex`);
      return (v) => v.length <= MAX_MATCHED_LENGTH && re.matches(v);
    }
    case 'custom':
      throw new CsdsRequestError('CSDS_UNSUPPORTED_MATCHER', `${at}: custom string matchers are not supported; use exact, prefix, suffix, contains or safe_regex`);
    default:
      throw new CsdsRequestError('CSDS_INVALID_MATCHER', `${at}: one of ${PATTERNS.join(', ')} is required`);
  }
}

/** Which member of a oneof is set (an empty string or zero counts: it was on the wire). */
export function oneofCase<K extends string>(message: Partial<Record<K, unknown>>, members: readonly K[]): K | undefined {
  return members.find((k) => message[k] != null);
}

function wholeMatch(regex: string, at: string): RE2JS {
  if (regex.length > MAX_REGEX_LENGTH) {
    throw new CsdsRequestError('CSDS_INVALID_MATCHER', `${at}: the regular expression is ${regex.length} characters; at most ${MAX_REGEX_LENGTH} are accepted`);
  }
  try {
    return RE2JS.compile(regex);
  } catch (err) {
    throw new CsdsRequestError('CSDS_INVALID_MATCHER', `${at}: ${JSON.stringify(regex)} is not a valid regular expression: ${(err as Error).message}`);
  }
}
