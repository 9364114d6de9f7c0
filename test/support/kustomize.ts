/**
 * The real kustomize (what `kubectl apply -k` runs), built from the Go module proxy by
 * scripts/build-kustomize.sh into the tools cache, rendering a directory of manifests/.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';

const run = promisify(execFile);
const TOOLS_BIN = join(process.env.PRESCIENT_TOOLS_DIR ?? join(homedir(), '.cache/prescient/tools'), 'bin');
export const KUSTOMIZE_BIN = process.env.KUSTOMIZE_BIN ?? join(TOOLS_BIN, 'kustomize');

export type RenderedObject = k8s.KubernetesObject & { metadata: k8s.V1ObjectMeta & { name: string }; [field: string]: any };

/** `kustomize build DIR`, parsed with client-node's loader (it keeps x-kubernetes-* keys). */
export async function kustomizeBuild(dir: string): Promise<RenderedObject[]> {
  if (!existsSync(KUSTOMIZE_BIN)) throw new Error(`${KUSTOMIZE_BIN} is not installed; run bash scripts/build-kustomize.sh`);
  const { stdout } = await run(KUSTOMIZE_BIN, ['build', dir], { maxBuffer: 64 * 2 ** 20, timeout: 60_000 });
  return k8s.loadAllYaml(stdout).filter((o) => o) as RenderedObject[];
}
