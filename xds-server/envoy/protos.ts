/**
 * Envoy v3 API loaded once, by reflection, from the official .proto files that ship inside
 * @grpc/grpc-js-xds (deps/envoy-api, xds, googleapis, protoc-gen-validate). protobufjs keeps the
 * `validate.rules` annotations as `parsedOptions`, which the validator reads; field names keep
 * their proto (snake_case) spelling everywhere in Prescient.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** The files whose transitive imports make up everything Prescient encodes or decodes. */
export const ENVOY_PROTO_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/service/cluster/v3/cds.proto',
  'envoy/service/endpoint/v3/eds.proto',
  'envoy/service/listener/v3/lds.proto',
  'envoy/service/route/v3/rds.proto',
  'envoy/service/load_stats/v3/lrs.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'google/rpc/status.proto',
  // Proxy bootstrap: manifests/bootstrap/envoy.yaml is checked against it.
  'envoy/config/bootstrap/v3/bootstrap.proto',
];

/** Include directories, in lookup order. */
export function protoIncludeDirs(): string[] {
  const xdsPkg = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const pbPkg = path.dirname(require.resolve('protobufjs/package.json'));
  const deps = path.join(xdsPkg, 'deps');
  return [
    path.join(deps, 'envoy-api'),
    path.join(deps, 'xds'),
    path.join(deps, 'googleapis'),
    path.join(deps, 'protoc-gen-validate'),
    pbPkg, // google/protobuf/descriptor.proto and friends
  ];
}

/**
 * Loads `files` (and their imports, searched in `dirs`; protobufjs' bundled google/* types first)
 * into one fully resolved root, proto field names kept.
 */
export function loadProtoRoot(files: readonly string[], dirs: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => {
    if ((protobuf.common as unknown as Record<string, unknown>)[target]) return target;
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return target;
  };
  root.loadSync([...files], { keepCase: true });
  root.resolveAll();
  return root;
}

let cached: protobuf.Root | undefined;

/** The shared, fully resolved root. Loading takes ~100 ms the first time. */
export function envoyRoot(): protobuf.Root {
  return (cached ??= loadProtoRoot(ENVOY_PROTO_FILES, protoIncludeDirs()));
}

export function lookupType(fullName: string): protobuf.Type {
  return envoyRoot().lookupType(fullName.replace(/^type\.googleapis\.com\//, ''));
}
