/**
 * Where Prescient finds the Kubernetes API server and its credentials: the `--kubeconfig` file
 * when given, else the pod's service account when running in a cluster (KUBERNETES_SERVICE_HOST
 * set), else the usual default (KUBECONFIG, ~/.kube/config). Shared by everything in
 * xds-server/kube/ (discovery, custom resources, the Lease, the scale actuator).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { CodedError } from '../../api/coded-error.ts';

export class KubeConfigError extends CodedError<'PRESCIENT_KUBE_CONFIG'> {
  constructor(detail: string, options?: ErrorOptions) {
    super('PRESCIENT_KUBE_CONFIG', detail, options);
  }
}

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  /** Where it came from, for status pages: `file:<path>`, `in-cluster` or `default`. */
  readonly source: string;
}

export function loadKubeConfig(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): LoadedKubeConfig {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  let source: string;
  try {
    if (options.path) {
      if (!fs.existsSync(options.path)) throw new Error('no such file');
      kc.loadFromFile(options.path);
      source = `file:${options.path}`;
    } else if (env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
      source = 'in-cluster';
    } else {
      // client-node falls back to http://localhost:8080 when it finds nothing; Prescient says so instead.
      const home = path.join(os.homedir(), '.kube', 'config');
      if (!env.KUBECONFIG && !fs.existsSync(home)) throw new Error('KUBECONFIG is unset, ~/.kube/config does not exist and KUBERNETES_SERVICE_HOST is unset');
      kc.loadFromDefault();
      source = 'default';
    }
  } catch (err) {
    const where = options.path ? `kubeconfig ${options.path}` : 'the default kubeconfig';
    throw new KubeConfigError(`cannot load ${where} (${(err as Error).message}); pass --kubeconfig PATH or run in a pod with a service account`, { cause: err });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new KubeConfigError(`${source} names no cluster server; pass --kubeconfig PATH or run in a pod with a service account`);
  }
  return { kubeConfig: kc, source };
}
