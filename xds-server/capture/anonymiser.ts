/**
 * What of a request's headers the capture sink keeps: names are lower case; `drop` removes a
 * header, `hash` replaces its value by a keyed hash (HMAC-SHA-256 with a per-sink key, first 16
 * hex digits), so equal values stay linkable within one capture without being readable.
 * Credentials (authorization, proxy-authorization, cookie, set-cookie) are dropped unless the
 * operator lists them under `hash` instead. `keep` limits recording to the named headers.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const DEFAULT_DROPPED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'] as const;

export interface AnonymiserOptions {
  /** Headers never recorded (added to the defaults). */
  drop?: readonly string[];
  /** Headers recorded as a keyed hash of their value; beats the default drops. */
  hash?: readonly string[];
  /** Record only these headers (after drop and hash); default every header. */
  keep?: readonly string[];
  /** HMAC key; random per process by default (hashes then link requests only within one run). */
  hashKey?: Buffer;
}

/** HTTP/2 pseudo-headers are recorded as fields of their own, never as headers. */
const PSEUDO = /^:/;

export class Anonymiser {
  private readonly drop: ReadonlySet<string>;
  private readonly hash: ReadonlySet<string>;
  private readonly keep: ReadonlySet<string> | undefined;
  private readonly key: Buffer;

  constructor(o: AnonymiserOptions = {}) {
    this.hash = new Set((o.hash ?? []).map((h) => h.toLowerCase()));
    this.drop = new Set([...DEFAULT_DROPPED_HEADERS, ...(o.drop ?? [])].map((h) => h.toLowerCase()).filter((h) => !this.hash.has(h)));
    this.keep = o.keep ? new Set(o.keep.map((h) => h.toLowerCase())) : undefined;
    this.key = o.hashKey ?? randomBytes(32);
  }

  /** The headers to record, in arrival order; repeated headers are joined with ", ". */
  headers(raw: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [rawName, value] of Object.entries(raw)) {
      const name = rawName.toLowerCase();
      if (value === undefined || PSEUDO.test(name) || this.drop.has(name)) continue;
      if (this.keep && !this.keep.has(name)) continue;
      const text = Array.isArray(value) ? value.join(', ') : value;
      out[name] = this.hash.has(name) ? `hmac:${createHmac('sha256', this.key).update(text).digest('hex').slice(0, 16)}` : text;
    }
    return out;
  }
}
