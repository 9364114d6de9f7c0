#!/usr/bin/env bash
# Builds the real Kubernetes API server and istiod (pilot-discovery) the Kubernetes and Istio tests
# start, from the Go module proxy, into a cache outside the clone (CI clones afresh). Cold: about
# 20–25 minutes on 2 cores; warm: nothing to do. etcd comes from Debian (`etcd-server`).
#
#   PRESCIENT_TOOLS_DIR   where binaries go (default ~/.cache/prescient/tools)
set -euo pipefail

K8S_VERSION=v1.37.2
K8S_STAGING_VERSION=v0.37.2
ISTIO_VERSION=v0.0.0-20260827124520-eed52ebb66ad

TOOLS="${PRESCIENT_TOOLS_DIR:-$HOME/.cache/prescient/tools}"
mkdir -p "$TOOLS/bin"
APISERVER="$TOOLS/bin/kube-apiserver-$K8S_VERSION"
ISTIOD="$TOOLS/bin/pilot-discovery-$ISTIO_VERSION"

if [[ ! -x "$APISERVER" ]]; then
  echo "building kube-apiserver $K8S_VERSION (cold: ~10 min)…"
  work="$TOOLS/k8s-wrapper-$K8S_VERSION"
  mkdir -p "$work"
  cd "$work"
  if [[ ! -f go.mod ]]; then
    go mod init prescient.local/k8s-wrapper >/dev/null 2>&1
    go mod edit -require "k8s.io/kubernetes@$K8S_VERSION"
    go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >/dev/null
    # k8s.io/kubernetes replaces its staging modules with ./staging paths; point each at the
    # published release of the same minor instead.
    modfile="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.mod"
    sed -n '/^replace (/,/^)/p' "$modfile" | grep '=>' | awk '{print $1}' | while read -r m; do
      go mod edit -replace "$m=$m@$K8S_STAGING_VERSION"
    done
    printf 'package main\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n\nfunc main() {}\n' > tools.go
    go mod tidy
  fi
  go build -trimpath \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37" \
    -o "$APISERVER.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  mv "$APISERVER.tmp" "$APISERVER"
fi

if [[ ! -x "$ISTIOD" ]]; then
  echo "building istiod (pilot-discovery) $ISTIO_VERSION (cold: ~12 min)…"
  GOBIN="$TOOLS/gobin-istio" go install -ldflags "-s -w" "istio.io/istio/pilot/cmd/pilot-discovery@$ISTIO_VERSION"
  mv "$TOOLS/gobin-istio/pilot-discovery" "$ISTIOD"
fi

# Stable names for the test harness.
ln -sf "$APISERVER" "$TOOLS/bin/kube-apiserver"
ln -sf "$ISTIOD" "$TOOLS/bin/pilot-discovery"
echo "kube-apiserver: $APISERVER"
echo "pilot-discovery: $ISTIOD"
