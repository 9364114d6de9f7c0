#!/usr/bin/env bash
# Builds the interop test clients written in other languages, into git-ignored bin/ folders:
#   test/interop/go-xds-client/bin/go-xds-client  (grpc-go's xDS client; test/e2e/go-xds-client.test.ts)
# Idempotent: a binary newer than every one of its sources is left as it is, so a second run
# costs milliseconds. The first run fetches the pinned Go modules through the Go module proxy
# (go.sum checks them) and takes a couple of minutes. Exits non-zero, naming what failed.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "build-interop: $*" >&2
  exit 1
}

# True when $1 exists and no file among the rest is newer than it.
up_to_date() {
  local target=$1
  shift
  [[ -x $target ]] || return 1
  [[ -z $(find "$@" -newer "$target" -print -quit) ]]
}

build_go_xds_client() {
  local dir=test/interop/go-xds-client
  local bin=$dir/bin/go-xds-client
  local sources=("$dir/go.mod" "$dir/go.sum" "$dir"/*.go)
  if up_to_date "$bin" "${sources[@]}"; then
    echo "build-interop: $bin is up to date"
    return
  fi
  command -v go >/dev/null || fail "BUILD_INTEROP_NO_GO: the Go toolchain (go) is not on PATH; install Go >= the version in $dir/go.mod"
  echo "build-interop: building $bin ($(go version))"
  # -mod=readonly: go.mod and go.sum are the pin; a build never rewrites them.
  (cd "$dir" && go build -mod=readonly -buildvcs=false -trimpath -ldflags='-s -w' -o bin/go-xds-client .) ||
    fail "BUILD_INTEROP_GO_FAILED: go build in $dir failed (see the compiler output above)"
  [[ -x $bin ]] || fail "BUILD_INTEROP_GO_FAILED: go build reported success but $bin is missing"
}

build_go_xds_client
