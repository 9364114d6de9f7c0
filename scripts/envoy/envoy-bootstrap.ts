/**
 * Bootstraps for test Envoys, rendered from the shipped local quick-start ones in
 * manifests/bootstrap/local/ (plaintext xDS, as `npm start` serves) so that the tests run what
 * users run: only the Prescient address, the node and the admin port change. The Kubernetes
 * bootstraps (mutual TLS) are run in test/manifests/kubernetes-bootstraps.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from './envoy-binary.ts';

/** State-of-the-world or delta ADS: envoy-local-plaintext.yaml or envoy-delta-local-plaintext.yaml. */
export type AdsVariant = 'sotw' | 'delta';

export const SHIPPED_BOOTSTRAP: Record<AdsVariant, string> = {
  sotw: 'manifests/bootstrap/local/envoy-local-plaintext.yaml',
  delta: 'manifests/bootstrap/local/envoy-delta-local-plaintext.yaml',
};

export interface BootstrapTarget {
  xdsPort: number;
  variant: AdsVariant;
  nodeId: string;
  nodeCluster?: string;
  /** Merged over the shipped node metadata. */
  metadata?: Record<string, string>;
}

export function shippedBootstrap(variant: AdsVariant): any {
  return YAML.parse(fs.readFileSync(path.join(REPO_ROOT, SHIPPED_BOOTSTRAP[variant]), 'utf8'));
}

/** The shipped bootstrap pointed at a Prescient on 127.0.0.1, with the admin on a port Envoy picks. */
export function renderBootstrap(t: BootstrapTarget): any {
  const b = shippedBootstrap(t.variant);
  b.node.id = t.nodeId;
  if (t.nodeCluster) b.node.cluster = t.nodeCluster;
  b.node.metadata = { ...b.node.metadata, ...t.metadata };
  const prescient = b.static_resources.clusters.find((c: { name: string }) => c.name === 'prescient');
  const socket = prescient.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
  socket.address = '127.0.0.1';
  socket.port_value = t.xdsPort;
  b.admin.address.socket_address.port_value = 0;
  return b;
}
