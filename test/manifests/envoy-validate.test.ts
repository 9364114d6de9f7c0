/**
 * Envoy 1.40 itself (`envoy --mode validate`) checks every shipped Envoy bootstrap: the files in
 * manifests/bootstrap/ and the copies in the prescient-proxy-bootstrap ConfigMap. Validation
 * parses and checks the whole bootstrap (unknown fields, proto rules, cluster and listener set-up)
 * without connecting anywhere.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { envoyBinary, REPO_ROOT } from '../support/envoy-binary.ts';
import { shippedBootstrap } from '../support/envoy-bootstrap.ts';

const run = promisify(execFile);
const BOOTSTRAP_DIR = path.join(REPO_ROOT, 'manifests/bootstrap');
const ENVOY_BOOTSTRAPS = fs.readdirSync(BOOTSTRAP_DIR).filter((n) => /^envoy.*\.ya?ml$/.test(n)).sort();

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

  before(() => {
    envoyBinary();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-envoy-validate-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('ships a state-of-the-world and a delta ADS bootstrap', () => {
    assert.deepEqual(ENVOY_BOOTSTRAPS, ['envoy-delta.yaml', 'envoy.yaml']);
    assert.equal(shippedBootstrap('sotw').dynamic_resources.ads_config.api_type, 'GRPC');
    assert.equal(shippedBootstrap('delta').dynamic_resources.ads_config.api_type, 'DELTA_GRPC');
  });

  for (const name of ENVOY_BOOTSTRAPS) {
    it(`manifests/bootstrap/${name} passes envoy --mode validate`, async () => {
      const { ok, output } = await validate(path.join(BOOTSTRAP_DIR, name));
      assert.ok(ok, output);
      assert.match(output, /OK/);
    });
  }

  it('the ConfigMap copies pass envoy --mode validate', async () => {
    const configMap = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, 'manifests/deploy/proxy-bootstrap.yaml'), 'utf8'));
    const names = Object.keys(configMap.data).filter((n) => n.startsWith('envoy'));
    assert.deepEqual(names.sort(), ENVOY_BOOTSTRAPS);
    for (const name of names) {
      const file = path.join(scratch, `configmap-${name}`);
      fs.writeFileSync(file, configMap.data[name]);
      const { ok, output } = await validate(file);
      assert.ok(ok, `${name}: ${output}`);
    }
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
