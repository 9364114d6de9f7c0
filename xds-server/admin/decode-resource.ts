/** Decodes a cached resource back to proto-JSON-like objects for /debug/config_dump. */
import type { EncodedResource } from '../cache/types.ts';
import { lookupType } from '../envoy/protos.ts';

const TO_OBJECT = { enums: String, longs: String, bytes: String, defaults: false, json: true } as const;

export function decodeEncodedResource(r: EncodedResource): unknown {
  const Any = lookupType('google.protobuf.Any');
  return Any.toObject(Any.decode(r.any), TO_OBJECT);
}
