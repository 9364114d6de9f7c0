/**
 * manifests/overlays/istio/mesh-config.yaml works with a real istiod (pilot-discovery from
 * istio.io/istio, against a real API server): its `xds://` config source, with the shipped
 * tlsSettings (SIMPLE: istiod verifies Prescient's certificate against ca.crt of the Secret
 * istio-system/prescient-xds-ca, by SNI and SAN prescient.prescient.svc), reaches a Prescient
 * serving TLS without requiring client certificates — as the istio overlay runs it — and istiod
 * becomes ready (it is ready only once every config type it asked the source for is answered).
 * Only the address changes (the Service name → loopback). And why SIMPLE: the same source with
 * `mode: MUTUAL` and a client certificate is dialled in plaintext by this istiod (its xds://
 * sources build credentials for SIMPLE only: pilot/pkg/bootstrap/configcontroller.go), so a TLS
 * port refuses it. (istiod exits when a config source fails at start-up.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { eventually } from '../support/eventually.ts';
import { Istiod } from '../support/istiod.ts';
import { KubeCluster } from '../support/kube-cluster.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';

const SNIPPET = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, 'manifests/overlays/istio/mesh-config.yaml'), 'utf8'));

describe('istio overlay: the shipped mesh-config snippet with a real istiod', function () {
  this.timeout(180_000);
  let kube: KubeCluster;
  let pki: TestPki;
  let h: PrescientHarness;

  before(async () => {
    pki = makeTestPki();
    pki.issueServer('prescient-svc', ['prescient.prescient.svc', 'prescient.prescient.svc.cluster.local']);
    pki.issueClient('istiod', ['spiffe://cluster.local/ns/istio-system/sa/istiod']);
    kube = await KubeCluster.start();
    const core = kube.kubeConfig().makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'istio-system' } } });
    // What the README tells the operator to create: the CA of prescient-xds-tls, in istio-system.
    await core.createNamespacedSecret({ namespace: 'istio-system', body: { metadata: { name: 'prescient-xds-ca' }, data: { 'ca.crt': pki.read('ca.crt').toString('base64') } } });
    h = await PrescientHarness.start([{ kind: 'Service', name: 'payments', spec: { protocol: 'http', ports: [{ name: 'http', port: 8080 }], endpoints: [{ address: '127.0.0.1', port: 9001 }] } }], {
      tls: { certFile: pki.file('prescient-svc.crt'), keyFile: pki.file('prescient-svc.key'), caFile: pki.file('ca.crt') },
    });
  });
  after(async () => {
    await h?.stop();
    await kube?.stop();
    pki?.remove();
  });

  /** The snippet's Prescient source, address moved to this Prescient; `k8s://` left out (no Istio CRDs here). */
  function prescientSource(edit?: (source: any) => void): any {
    const source = structuredClone(SNIPPET.meshConfig.configSources.find((s: { address: string }) => s.address.startsWith('xds://')));
    assert.equal(source.address, 'xds://prescient.prescient.svc:18000');
    source.address = `xds://127.0.0.1:${h.xdsPort}`;
    edit?.(source);
    return source;
  }

  const subscribers = async () => Number(/^prescient_istio_subscribers (\d+)/m.exec((await h.admin('/metrics')).body)?.[1] ?? 0);

  it('istiod verifies Prescient by the shipped tlsSettings, syncs every type and is ready', async () => {
    const istiod = await Istiod.start({ kubeconfigPath: kube.kubeconfigPath, configSource: 'unused', mesh: { configSources: [prescientSource()] } });
    try {
      assert.ok((await subscribers()) >= 1, 'istiod holds an MCP stream to Prescient');
      await eventually(async () => (await istiod.get('/debug/configz')).body.includes('payments.prescient.svc.cluster.local'), 10_000, 200, 'the ServiceEntry in istiod');
    } finally {
      await istiod.stop();
    }
  });

  it('with a CA that did not sign Prescient\'s certificate, istiod refuses the source', async () => {
    const other = makeTestPki();
    try {
      const source = prescientSource((s) => {
        delete s.tlsSettings.credentialName;
        s.tlsSettings.caCertificates = other.read('ca.crt').toString();
      });
      await assert.rejects(Istiod.start({ kubeconfigPath: kube.kubeconfigPath, configSource: 'unused', mesh: { configSources: [source] }, readyTimeoutMs: 12_000 }), /certificate signed by unknown authority/);
    } finally {
      other.remove();
    }
  });

  it('mode MUTUAL with a client certificate is dialled in plaintext by istiod, so the TLS port refuses it', async () => {
    const source = prescientSource((s) => {
      s.tlsSettings = { mode: 'MUTUAL', clientCertificate: pki.file('istiod.crt'), privateKey: pki.file('istiod.key'), caCertificates: pki.file('ca.crt'), sni: 'prescient.prescient.svc' };
    });
    // Plaintext HTTP/2 to a TLS listener: the server drops it before any HTTP/2 preface.
    await assert.rejects(Istiod.start({ kubeconfigPath: kube.kubeconfigPath, configSource: 'unused', mesh: { configSources: [source] }, readyTimeoutMs: 12_000 }), /MCP: failed running.*error reading server preface: EOF/);
  });
});
