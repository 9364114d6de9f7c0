/**
 * The shipped Kubernetes bootstraps connect: a real Envoy 1.40 started from
 * manifests/bootstrap/envoy.yaml (and envoy-delta.yaml) — with the ConfigMap and the client
 * certificate Secret laid out as the pod mounts them, and only the Service address moved to
 * loopback — gets its listeners and clusters from a real Prescient that, like the shipped
 * Deployment, requires client certificates on xDS. Prescient's certificate carries the Service's
 * DNS name, as the bootstrap checks. A client certificate from another CA gets nothing, and the
 * same Envoy without TLS gets nothing either: the TLS settings are what makes it work.
 * The same for proxyless gRPC: grpc-go's xDS client (test/interop/go-xds-client) started from the
 * shipped grpc-bootstrap.json (gRFC A65 "tls" channel credentials; only the server address moved)
 * gets its config over mutual TLS and calls a real backend through it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { EnvoyProxy } from '../support/envoy-proxy.ts';
import type { AdsVariant } from '../support/envoy-bootstrap.ts';
import { freePort } from '../support/free-port.ts';
import { mountBootstraps } from '../support/bootstrap-mounts.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';
import { backendService } from '../support/meshes.ts';

const BOOTSTRAP_DIR = path.join(REPO_ROOT, 'manifests/bootstrap');
const SHIPPED_FILES = Object.fromEntries(
  fs.readdirSync(BOOTSTRAP_DIR).filter((n) => /\.(ya?ml|json)$/.test(n)).map((n) => [n, fs.readFileSync(path.join(BOOTSTRAP_DIR, n), 'utf8')]),
);
const FILE_OF: Record<AdsVariant, string> = { sotw: 'envoy.yaml', delta: 'envoy-delta.yaml' };
const IDENTITY = 'spiffe://cluster.local/ns/demo/sa/greeter-client';
const GO_XDS_CLIENT = path.join(REPO_ROOT, 'test/interop/go-xds-client/bin/go-xds-client');
const run = promisify(execFile);

function mesh(listenerPort: number, echo: BackendServer): DocSpec[] {
  return [
    backendService('echo', [{ server: echo }]),
    { kind: 'Service', name: 'greeter', spec: { protocol: 'grpc', endpoints: [{ address: '127.0.0.1', port: 1, weight: 1 }] } },
    { kind: 'Route', name: 'greeter', spec: { hosts: ['greeter'], listener: { port: listenerPort }, rules: [{ match: { prefix: '/' }, backends: [{ service: 'greeter' }] }] } },
  ];
}

describe('shipped Kubernetes bootstraps against a Prescient that requires client certificates', function () {
  this.timeout(90_000);
  let pki: TestPki;
  let other: TestPki;
  let scratch: string;
  let h: PrescientHarness;
  let backends: BackendServer[];

  before(async () => {
    backends = await startBackends(['echo-1']);
    pki = makeTestPki();
    // 127.0.0.1 too: gRPC checks the certificate against the server address it dials.
    pki.issueServer('prescient-svc', ['prescient.prescient.svc', 'prescient.prescient.svc.cluster.local', '127.0.0.1']);
    pki.issueClient('greeter-client', [IDENTITY]);
    other = makeTestPki();
    other.issueClient('greeter-client', [IDENTITY]);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-k8s-bootstrap-'));
    h = await PrescientHarness.start(mesh(await freePort(), backends[0]!), {
      tls: { certFile: pki.file('prescient-svc.crt'), keyFile: pki.file('prescient-svc.key'), caFile: pki.file('ca.crt'), requireClientCert: true },
    });
  });
  after(async () => {
    await h?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
    pki?.remove();
    other?.remove();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** The mounted Kubernetes bootstrap as Envoy's whole config: Service address → this Prescient. */
  function kubernetesBootstrap(variant: AdsVariant, ca: TestPki, name: string, edit?: (b: any) => void): (b: any) => void {
    const mounts = mountBootstraps(path.join(scratch, name), SHIPPED_FILES, { crt: ca.read('greeter-client.crt'), key: ca.read('greeter-client.key'), ca: pki.read('ca.crt') });
    const shipped = YAML.parse(fs.readFileSync(mounts.file(FILE_OF[variant]), 'utf8'));
    return (rendered) => {
      const socket = shipped.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
      assert.equal(socket.address, 'prescient.prescient.svc');
      socket.address = '127.0.0.1';
      socket.port_value = h.xdsPort;
      shipped.node.id = rendered.node.id;
      shipped.admin = rendered.admin;
      edit?.(shipped);
      for (const key of Object.keys(rendered)) delete rendered[key];
      Object.assign(rendered, shipped);
    };
  }

  for (const variant of ['sotw', 'delta'] as const) {
    it(`manifests/bootstrap/${FILE_OF[variant]}: Envoy gets its listener and clusters over mutual TLS`, async () => {
      const envoy = await EnvoyProxy.start({ xdsPort: h.xdsPort, variant, edit: kubernetesBootstrap(variant, pki, `ok-${variant}`) });
      try {
        assert.ok((await envoy.clusterNames()).includes('greeter'));
        const tls = await envoy.stats('cluster.prescient.ssl.handshake');
        assert.ok((tls.get('cluster.prescient.ssl.handshake') ?? 0) >= 1, 'the xDS connection is TLS');
      } finally {
        await envoy.stop();
      }
    });
  }

  /** grpc-go's xDS client from the mounted manifests/bootstrap/grpc-bootstrap.json, server → this Prescient. */
  async function goClient(ca: TestPki, name: string, rpcs: number): Promise<{ backends: Record<string, number>; errors: Record<string, number>; errorMessages: Record<string, string> }> {
    const mounts = mountBootstraps(path.join(scratch, name), SHIPPED_FILES, { crt: ca.read('greeter-client.crt'), key: ca.read('greeter-client.key'), ca: pki.read('ca.crt') });
    const bootstrap = JSON.parse(fs.readFileSync(mounts.file('grpc-bootstrap.json'), 'utf8'));
    assert.equal(bootstrap.xds_servers[0].server_uri, 'prescient.prescient.svc:18000');
    bootstrap.xds_servers[0].server_uri = `127.0.0.1:${h.xdsPort}`;
    fs.writeFileSync(mounts.file('grpc-bootstrap.json'), JSON.stringify(bootstrap));
    const { stdout } = await run(GO_XDS_CLIENT, ['-bootstrap', mounts.file('grpc-bootstrap.json'), '-target', 'xds:///echo', '-rpcs', String(rpcs), '-concurrency', '4', '-deadline', '3s'], { timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  }

  it('manifests/bootstrap/grpc-bootstrap.json: grpc-go gets its config over mutual TLS and calls the backend', async () => {
    const tally = await goClient(pki, 'grpc-ok', 20);
    assert.deepEqual(tally.errors, {}, JSON.stringify(tally.errorMessages));
    assert.deepEqual(tally.backends, { 'echo-1': 20 });
  });

  it('grpc-go with a client certificate from another CA gets no configuration', async () => {
    const tally = await goClient(other, 'grpc-other-ca', 2);
    assert.deepEqual(tally.backends, {});
    // Name resolution fails: grpc-go reports the refused xDS connection, or (when its resolver
    // answers first) that resolution produced no addresses; either way no call reached a backend.
    const messages = Object.values(tally.errorMessages).join('\n');
    assert.match(messages, /name resolver error: .*(xDS stream.*connection error|produced zero addresses)/, `the xDS connection itself is refused: ${messages}`);
  });

  it('a client certificate from another CA gets no configuration', async () => {
    await assert.rejects(EnvoyProxy.start({ xdsPort: h.xdsPort, variant: 'sotw', readyTimeoutMs: 4000, edit: kubernetesBootstrap('sotw', other, 'other-ca') }));
  });

  it('the same bootstrap without its TLS transport socket gets no configuration', async () => {
    const plaintext = kubernetesBootstrap('sotw', pki, 'plaintext', (b) => delete b.static_resources.clusters[0].transport_socket);
    await assert.rejects(EnvoyProxy.start({ xdsPort: h.xdsPort, variant: 'sotw', readyTimeoutMs: 4000, edit: plaintext }));
  });
});
