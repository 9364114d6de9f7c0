/**
 * The namespace Prescient runs in: `POD_NAMESPACE` (the Downward API; the shipped Deployment sets
 * it), else the service account's namespace file in a pod, else `default`. Leases live there, and
 * scale targets without a namespace are looked up there.
 */
import fs from 'node:fs';

export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export function podNamespace(env: NodeJS.ProcessEnv = process.env, file = SERVICE_ACCOUNT_NAMESPACE_FILE): string {
  if (env.POD_NAMESPACE?.trim()) return env.POD_NAMESPACE.trim();
  try {
    const ns = fs.readFileSync(file, 'utf8').trim();
    if (ns) return ns;
  } catch {
    // Not in a pod.
  }
  return 'default';
}
