/**
 * Response assembly without re-encoding: a DiscoveryResponse / DeltaDiscoveryResponse is written
 * field by field, and each resource is spliced in as one length-delimited field holding the
 * cache's shared bytes (EncodedResource.any or .deltaResource). The result is a Buffer that the
 * gRPC method's response serializer passes through unchanged.
 */
import protobuf from 'protobufjs';
import type { EncodedResource } from '../cache/types.ts';

const LEN = 2;
const tag = (field: number): number => (field << 3) | LEN;

// envoy.service.discovery.v3.DiscoveryResponse
const SOTW = { version_info: tag(1), resources: tag(2), type_url: tag(4), nonce: tag(5) };
// envoy.service.discovery.v3.DeltaDiscoveryResponse
const DELTA = { system_version_info: tag(1), resources: tag(2), type_url: tag(4), nonce: tag(5), removed_resources: tag(6) };

export interface SotwResponse {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
  /** Only the encoded Any is written (MCP resources for istiod are not EncodedResources). */
  resources: readonly Pick<EncodedResource, 'any'>[];
}

export interface DeltaResponse {
  systemVersionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: readonly EncodedResource[];
  removed: readonly string[];
}

export function encodeSotwResponse(r: SotwResponse): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(SOTW.version_info).string(r.versionInfo);
  for (const res of r.resources) w.uint32(SOTW.resources).bytes(res.any);
  w.uint32(SOTW.type_url).string(r.typeUrl);
  w.uint32(SOTW.nonce).string(r.nonce);
  return asBuffer(w.finish());
}

export function encodeDeltaResponse(r: DeltaResponse): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(DELTA.system_version_info).string(r.systemVersionInfo);
  for (const res of r.resources) w.uint32(DELTA.resources).bytes(res.deltaResource);
  w.uint32(DELTA.type_url).string(r.typeUrl);
  w.uint32(DELTA.nonce).string(r.nonce);
  for (const name of r.removed) w.uint32(DELTA.removed_resources).string(name);
  return asBuffer(w.finish());
}

/** Bytes one length-delimited field of `len` payload bytes takes (tag + length varint + payload). */
export function fieldSize(len: number): number {
  let varint = 1;
  for (let v = len; v >= 0x80; v >>>= 7) varint++;
  return 1 + varint + len;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
