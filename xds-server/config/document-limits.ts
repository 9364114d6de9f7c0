/**
 * Limits checked on a file's raw text before it is parsed, so an oversized document is refused in
 * milliseconds instead of after seconds of YAML parsing and schema validation (a 50,000-endpoint
 * Service took 18 s to reject). The scan is linear and allocation-light; it only ever refuses
 * documents the schema would refuse too, with the same code:
 *
 * - a document larger than MAX_DOCUMENT_BYTES;
 * - a `kind: Service` document with more `address:` keys than a Service may have endpoints
 *   (the schema's `spec.endpoints.maxItems`; every endpoint has exactly one address).
 */
import { CONFIG_ERROR, type ConfigError } from './errors.ts';

/** Equal to `maxItems` of `spec.endpoints` in Service.schema.json (a test keeps them equal). */
export const MAX_ENDPOINTS_PER_SERVICE = 10_000;
/** Far above any valid document (10,000 verbose endpoints take about 2 MB). */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

const DOCUMENT_MARKER = /^---(?:[ \t].*)?$/m;
const SERVICE_KIND = /^kind:[ \t]*["']?Service["']?[ \t]*(?:#.*)?$/m;
const ADDRESS_KEY = /(?:^|[\s{,])["']?address["']?[ \t]*:/g;
const ONLY_COMMENTS = /^(?:\s*(?:#.*)?\n?)*$/;

export function documentLimitErrors(text: string, file: string): ConfigError[] {
  if (text.length <= 64 * 1024) return []; // nothing small can break a limit
  const chunks = text.split(DOCUMENT_MARKER);
  // Text before a leading `---` is no document.
  const offset = chunks.length > 1 && ONLY_COMMENTS.test(chunks[0]!) ? 1 : 0;
  const errors: ConfigError[] = [];
  for (let i = offset; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    const documentIndex = i - offset;
    const at = { file, documentIndex, path: '' };
    if (Buffer.byteLength(chunk) > MAX_DOCUMENT_BYTES) {
      errors.push({ ...at, code: CONFIG_ERROR.schema, message: `is larger than ${MAX_DOCUMENT_BYTES / 2 ** 20} MiB; split it into several documents` });
      continue;
    }
    if (!SERVICE_KIND.test(chunk)) continue;
    const endpoints = countUpTo(chunk, ADDRESS_KEY, MAX_ENDPOINTS_PER_SERVICE + 1);
    if (endpoints > MAX_ENDPOINTS_PER_SERVICE) {
      errors.push({
        ...at,
        path: 'spec.endpoints',
        code: CONFIG_ERROR.schema,
        message: `must have at most ${MAX_ENDPOINTS_PER_SERVICE} items (this Service lists more); split it up`,
      });
    }
  }
  return errors;
}

function countUpTo(text: string, re: RegExp, limit: number): number {
  re.lastIndex = 0;
  let n = 0;
  while (n < limit && re.exec(text)) n++;
  return n;
}
