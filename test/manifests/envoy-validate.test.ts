/**
 * Envoy 1.40 itself (`envoy --mode validate`) checks every shipped Envoy bootstrap: the Kubernetes
 * (mutual TLS) ones in manifests/bootstrap/, their copies in the prescient-proxy-bootstrap
 * ConfigMap, and the plaintext local quick-start ones in manifests/bootstrap/local/. Validation
 * parses and checks the whole bootstrap (unknown fields, proto rules, cluster and listener set-up,
 * that the SDS files it names exist) without connecting anywhere. The Kubernetes ones name two pod
 * mounts; they are laid out in a scratch directory first (test/support/bootstrap-mounts.ts).
 * What validate does not read (the SDS files' contents, the certificates) is proven by connecting
 * a real Envoy in test/manifests/kubernetes-bootstraps.test.ts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { envoyBinary, REPO_ROOT } from '../support/envoy-binary.ts';
import { mountBootstraps, remount } from '../support/bootstrap-mounts.ts';
import { shippedBootstrap } from '../support/envoy-bootstrap.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';

const run = promisify(execFile);
const BOOTSTRAP_DIR = path.join(REPO_ROOT, 'manifests/bootstrap');
const LOCAL_DIR = path.join(BOOTSTRAP_DIR, 'local');
const ENVOY_BOOTSTRAPS = fs.readdirSync(BOOTSTRAP_DIR).filter((n) => /^envoy.*\.ya?ml$/.test(n)).sort();
const LOCAL_ENVOY_BOOTSTRAPS = fs.readdirSync(LOCAL_DIR).filter((n) => /^envoy.*\.ya?ml$/.test(n)).sort();
/** Every top-level file of manifests/bootstrap/, as the ConfigMap mount holds them. */
const SHIPPED_FILES = Object.fromEntries(
  fs.readdirSync(BOOTSTRAP_DIR).filter((n) => /\.(ya?ml|json)$/.test(n)).map((n) => [n, fs.readFileSync(path.join(BOOTSTRAP_DIR, n), 'utf8')]),
);

async function validate(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(envoyBinary(), ['--mode', 'validate', '-c', file, '--use-dynamic-base-id', '--log-level', 'warn'], { timeout: 30_000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

describe('shipped Envoy bootstraps, validated by Envoy 1.40', function () {
  this.timeout(60_000);
  let scratch: string;
  let pki: TestPki;
  const clientCert = () => ({ crt: pki.read('client.crt'), key: pki.read('client.key'), ca: pki.read('ca.crt') });

  before(() => {
    envoyBinary();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-envoy-validate-'));
    pki = makeTestPki();
    pki.issueClient('client', ['spiffe://cluster.local/ns/demo/sa/greeter-client']);
  });
  after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
    pki.remove();
  });

  it('ships a state-of-the-world and a delta ADS bootstrap for Kubernetes and for a local quick start', () => {
    assert.deepEqual(ENVOY_BOOTSTRAPS, ['envoy-delta.yaml', 'envoy.yaml']);
    assert.deepEqual(LOCAL_ENVOY_BOOTSTRAPS, ['envoy-delta-local-plaintext.yaml', 'envoy-local-plaintext.yaml']);
    assert.equal(shippedBootstrap('sotw').dynamic_resources.ads_config.api_type, 'GRPC');
    assert.equal(shippedBootstrap('delta').dynamic_resources.ads_config.api_type, 'DELTA_GRPC');
  });

  for (const name of ENVOY_BOOTSTRAPS) {
    it(`manifests/bootstrap/${name} (mutual TLS) passes envoy --mode validate with its mounts in place`, async () => {
      const mounts = mountBootstraps(path.join(scratch, `shipped-${name}`), SHIPPED_FILES, clientCert());
      const { ok, output } = await validate(mounts.file(name));
      assert.ok(ok, output);
      assert.match(output, /OK/);
    });
  }

  for (const name of LOCAL_ENVOY_BOOTSTRAPS) {
    it(`manifests/bootstrap/local/${name} (plaintext) passes envoy --mode validate`, async () => {
      const { ok, output } = await validate(path.join(LOCAL_DIR, name));
      assert.ok(ok, output);
      assert.match(output, /OK/);
    });
  }

  it('the ConfigMap copies pass envoy --mode validate, mounted as a pod would mount the ConfigMap', async () => {
    const configMap = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, 'manifests/deploy/proxy-bootstrap.yaml'), 'utf8'));
    const names = Object.keys(configMap.data).filter((n) => n.startsWith('envoy'));
    assert.deepEqual(names.sort(), ENVOY_BOOTSTRAPS);
    const mounts = mountBootstraps(path.join(scratch, 'configmap'), configMap.data, clientCert());
    for (const name of names) {
      const { ok, output } = await validate(mounts.file(name));
      assert.ok(ok, `${name}: ${output}`);
    }
  });

  it('fails a Kubernetes bootstrap whose SDS file is not in the ConfigMap mount (so the mounts matter)', async () => {
    const { 'sds-xds-server-ca.yaml': _dropped, ...rest } = SHIPPED_FILES;
    assert.ok(_dropped, 'the server CA comes through SDS');
    const mounts = mountBootstraps(path.join(scratch, 'missing-sds'), rest, clientCert());
    const { ok, output } = await validate(mounts.file('envoy.yaml'));
    assert.equal(ok, false);
    assert.match(output, /sds-xds-server-ca\.yaml/);
    assert.ok(remount(SHIPPED_FILES['envoy.yaml']!, scratch).includes(path.join(scratch, 'bootstrap', 'sds-xds-server-ca.yaml')));
  });

  it('rejects a bootstrap with a misspelt field (so the checks above can fail)', async () => {
    const bad = shippedBootstrap('sotw');
    bad.cluster_manager.load_stats_config.grpc_service = bad.cluster_manager.load_stats_config.grpc_services;
    const file = path.join(scratch, 'bad.yaml');
    fs.writeFileSync(file, YAML.stringify(bad));
    const { ok, output } = await validate(file);
    assert.equal(ok, false);
    assert.match(output, /grpc_service/);
  });
});
