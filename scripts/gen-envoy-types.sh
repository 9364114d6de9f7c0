#!/usr/bin/env bash
# Regenerates the TypeScript types of Envoy's v3 API into xds-server/envoy/generated/ (DESIGN §11:
# generated code is fenced in its own folder, never edited by hand, and regenerable).
# The proto list is ENVOY_PROTO_FILES in xds-server/envoy/protos.ts, so the types always describe
# exactly what the server loads; the protos themselves ship inside @grpc/grpc-js-xds.
set -euo pipefail

cd "$(dirname "$0")/.."
out=xds-server/envoy/generated
deps=node_modules/@grpc/grpc-js-xds/deps

mapfile -t files < <(npx tsx -e "import { ENVOY_PROTO_FILES } from './xds-server/envoy/protos.ts'; console.log(ENVOY_PROTO_FILES.join('\n'))")

# Keep the README (hand-written), replace everything else.
find "$out" -mindepth 1 -not -name README.md -delete 2>/dev/null || true
mkdir -p "$out"

npx proto-loader-gen-types --keepCase --longs=String --enums=String --defaults --oneofs \
  --grpcLib=@grpc/grpc-js --outDir="$out" \
  --includeDirs "$deps/envoy-api" "$deps/xds" "$deps/googleapis" "$deps/protoc-gen-validate" node_modules/protobufjs \
  -- "${files[@]}"

echo "generated $(find "$out" -name '*.ts' | wc -l) files into $out"
