/**
 * The Kubernetes bootstraps (manifests/bootstrap/*) name two pod mounts by absolute path: the
 * prescient-proxy-bootstrap ConfigMap at /etc/prescient-bootstrap and the workload's client
 * certificate Secret at /etc/prescient-client-tls. A test lays both out in a scratch directory,
 * exactly as the kubelet would (one file per ConfigMap key; tls.crt, tls.key, ca.crt), and
 * changes only those two prefixes in the shipped text.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

export const BOOTSTRAP_MOUNT = '/etc/prescient-bootstrap';
export const CLIENT_TLS_MOUNT = '/etc/prescient-client-tls';

export interface MountedBootstraps {
  /** Directory standing for /etc/prescient-bootstrap: one file per ConfigMap key. */
  bootstrapDir: string;
  /** Directory standing for /etc/prescient-client-tls. */
  clientTlsDir: string;
  file(name: string): string;
}

/** `text` with the two mount prefixes moved under `root`; anything else under /etc/ is refused. */
export function remount(text: string, root: string): string {
  const out = text.replaceAll(BOOTSTRAP_MOUNT, path.join(root, 'bootstrap')).replaceAll(CLIENT_TLS_MOUNT, path.join(root, 'client-tls'));
  assert.ok(!out.includes('/etc/'), 'a shipped bootstrap names a path outside the two documented mounts');
  return out;
}

/**
 * Writes every entry of `files` (ConfigMap key → text) remounted under `root`, and the client
 * certificate, key and CA under the names cert-manager gives them.
 */
export function mountBootstraps(root: string, files: Record<string, string>, cert: { crt: Buffer; key: Buffer; ca: Buffer }): MountedBootstraps {
  const bootstrapDir = path.join(root, 'bootstrap');
  const clientTlsDir = path.join(root, 'client-tls');
  fs.mkdirSync(bootstrapDir, { recursive: true });
  fs.mkdirSync(clientTlsDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(bootstrapDir, name), remount(text, root));
  fs.writeFileSync(path.join(clientTlsDir, 'tls.crt'), cert.crt);
  fs.writeFileSync(path.join(clientTlsDir, 'tls.key'), cert.key);
  fs.writeFileSync(path.join(clientTlsDir, 'ca.crt'), cert.ca);
  return { bootstrapDir, clientTlsDir, file: (name) => path.join(bootstrapDir, name) };
}
