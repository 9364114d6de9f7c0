#!/usr/bin/env bash
# Builds kustomize (the same renderer as `kubectl apply -k`) from the Go module proxy into the
# tools cache, for the tests that render manifests/overlays/* and send the result to a real
# kube-apiserver. Cold: ~1.5 min on 2 cores (module download and compile); warm: nothing to do.
#
#   PRESCIENT_TOOLS_DIR   where binaries go (default ~/.cache/prescient/tools)
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2

TOOLS="${PRESCIENT_TOOLS_DIR:-$HOME/.cache/prescient/tools}"
mkdir -p "$TOOLS/bin"
KUSTOMIZE="$TOOLS/bin/kustomize-$KUSTOMIZE_VERSION"

if [[ ! -x "$KUSTOMIZE" ]]; then
  echo "building kustomize $KUSTOMIZE_VERSION…"
  GOBIN="$TOOLS/gobin-kustomize" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  mv "$TOOLS/gobin-kustomize/kustomize" "$KUSTOMIZE"
fi

# Stable name for the tests.
ln -sf "$KUSTOMIZE" "$TOOLS/bin/kustomize"
echo "kustomize: $KUSTOMIZE"
