/**
 * protoc-gen-validate's well-known string formats. Header regexes are PGV's own definitions;
 * `strict: false` (what Envoy uses everywhere) only forbids NUL, CR and LF.
 */
import net from 'node:net';

export const HTTP_HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
export const HTTP_HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
export const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

export function isHostname(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l));
}

/** Format name → predicate, for the boolean well-known string rules. */
export const STRING_FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  hostname: isHostname,
  ip: (s) => net.isIP(s) !== 0,
  ipv4: (s) => net.isIPv4(s),
  ipv6: (s) => net.isIPv6(s),
  address: (s) => net.isIP(s) !== 0 || isHostname(s),
  uuid: (s) => UUID.test(s),
  email: (s) => EMAIL.test(s),
  uri: (s) => URL.canParse(s),
  uri_ref: (s) => URL.canParse(s, 'http://base.invalid/'),
};
