/**
 * Istio's config API, loaded once by reflection from Istio's own .proto files (copied from the
 * `istio.io/api` Go module into ./proto, Apache-2.0), the way Envoy's are loaded
 * (xds-server/envoy/protos.ts). Field names keep their proto (snake_case) spelling.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type protobuf from 'protobufjs';
import { loadProtoRoot, protoIncludeDirs } from '../envoy/protos.ts';

export const ISTIO_PROTO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'proto');

/** The files whose transitive imports hold every message Prescient sends istiod. */
export const ISTIO_PROTO_FILES = [
  'mcp/v1alpha1/resource.proto',
  'networking/v1alpha3/service_entry.proto',
  'networking/v1alpha3/workload_entry.proto',
  'networking/v1alpha3/destination_rule.proto',
  'networking/v1alpha3/virtual_service.proto',
];

let cached: protobuf.Root | undefined;

/** The shared, fully resolved root (google/* imports come from the same packages as Envoy's). */
export function istioRoot(): protobuf.Root {
  return (cached ??= loadProtoRoot(ISTIO_PROTO_FILES, [ISTIO_PROTO_DIR, ...protoIncludeDirs()]));
}

export function lookupIstioType(fullName: string): protobuf.Type {
  return istioRoot().lookupType(fullName.replace(/^type\.googleapis\.com\//, ''));
}
