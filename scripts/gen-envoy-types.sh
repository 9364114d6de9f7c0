#!/usr/bin/env bash
# Regenerates the TypeScript types of Envoy's v3 API into xds-server/envoy/generated/ (DESIGN §11:
# generated code is fenced in its own folder, never edited by hand, and regenerable).
# The proto list is ENVOY_PROTO_FILES in xds-server/envoy/protos.ts, so the types always describe
# exactly what the server loads; the protos themselves ship inside @grpc/grpc-js-xds.
#
# --check: generate into a scratch folder and compare with the committed types; exit 1 and list
# the files that differ when they have drifted (a hand edit, or a new proto not regenerated).
set -euo pipefail

cd "$(dirname "$0")/.."
committed=${PRESCIENT_GENERATED_DIR:-xds-server/envoy/generated}
deps=node_modules/@grpc/grpc-js-xds/deps
check=false
[[ "${1:-}" == "--check" ]] && check=true

out=$committed
if $check; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

mapfile -t files < <(npx tsx -e "import { ENVOY_PROTO_FILES } from './xds-server/envoy/protos.ts'; console.log(ENVOY_PROTO_FILES.join('\n'))")

if ! $check; then
  # Keep the README (hand-written), replace everything else.
  find "$out" -mindepth 1 -not -name README.md -delete 2>/dev/null || true
  mkdir -p "$out"
fi

npx proto-loader-gen-types --keepCase --longs=String --enums=String --defaults --oneofs \
  --grpcLib=@grpc/grpc-js --outDir="$out" \
  --includeDirs "$deps/envoy-api" "$deps/xds" "$deps/googleapis" "$deps/protoc-gen-validate" node_modules/protobufjs \
  -- "${files[@]}" >/dev/null

if $check; then
  if diff -rq --exclude=README.md "$committed" "$out" >/dev/null; then
    echo "generated Envoy types are up to date ($(find "$out" -name '*.ts' | wc -l) files)"
  else
    echo "PRESCIENT_GENERATED_DRIFT: xds-server/envoy/generated differs from what npm run gen:types produces:" >&2
    diff -rq --exclude=README.md "$committed" "$out" | sed "s#$out#<regenerated>#" | head -20 >&2
    exit 1
  fi
else
  echo "generated $(find "$out" -name '*.ts' | wc -l) files into $out"
fi
