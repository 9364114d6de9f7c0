/**
 * `google.protobuf.Any` in the protobufjs fromObject form (`{'@type': url, ...fields}`), which
 * the validator walks into and protobufjs packs on encode.
 */
import type { Any } from '../envoy/generated/google/protobuf/Any.ts';

const PREFIX = 'type.googleapis.com/';

/** Type URLs of the extensions Prescient packs into Any fields. */
export const EXTENSION_TYPE_URL = {
  httpConnectionManager: `${PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  router: `${PREFIX}envoy.extensions.filters.http.router.v3.Router`,
  httpProtocolOptions: `${PREFIX}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
} as const;

export function packAny<T extends object>(typeUrl: string, message: T): Any {
  return { '@type': typeUrl, ...message };
}
