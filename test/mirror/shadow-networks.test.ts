/**
 * ShadowNetwork documents: schema errors, the shadow cluster and its mirror (full and sampled
 * fidelity) through the model and translate, field by field, passing Envoy's proto rules; and
 * `prescient shadow render` from a Deployment (replicas and resources scaled, labels, egress policy).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { API_VERSION } from '../../api/config.ts';
import type { Decisions } from '../../api/decisions.ts';
import { shadowPlan } from '../../mirror/shadow-networks.ts';
import { renderShadow, scaleCpu, scaleMemory } from '../../mirror/shadow-render.ts';
import { CONFIG_ERROR, formatConfigError } from '../../xds-server/config/errors.ts';
import { parseConfigText } from '../../xds-server/config/loader.ts';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';
import { buildMeshModel } from '../../xds-server/model/build-mesh-model.ts';
import { translate } from '../../xds-server/translate/index.ts';
import { validateResources } from '../../xds-server/validate/index.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { routeDoc, serviceDoc, yamlOf, type Doc } from '../xds-server/config/builders.ts';

const run = promisify(execFile);
type Obj = Record<string, any>;

const shadowDoc = (spec: Doc, name = 'greeter'): Doc => ({ apiVersion: API_VERSION, kind: 'ShadowNetwork', metadata: { name }, spec: { service: 'greeter', endpoints: [{ address: '10.1.0.1', port: 8080 }], ...spec } });
const base = [serviceDoc('greeter', { protocol: 'http' }), routeDoc('front', { hosts: ['front'], listener: { port: 10000 } })];

function load(...docs: Doc[]) {
  const r = parseConfigText(yamlOf(...base, ...docs), 'mesh.yaml');
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatConfigError).join('\n'));
  return r.config;
}

describe('shadow networks', () => {
  for (const [name, spec, p] of [
    ['sampled without percent', { fidelity: { mode: 'sampled' } }, 'spec.fidelity'],
    ['an unknown fidelity mode', { fidelity: { mode: 'mirror' } }, 'spec.fidelity.mode'],
    ['replica factor 0', { replicaFactor: 0 }, 'spec.replicaFactor'],
    ['no endpoints', { endpoints: [] }, 'spec.endpoints'],
  ] as const) {
    it(`rejects ${name} at ${p}`, () => {
      const r = parseConfigText(yamlOf(...base, shadowDoc(spec as Doc)), 'mesh.yaml');
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.ok(r.errors.some((e) => e.code === CONFIG_ERROR.schema && e.path === p), r.errors.map(formatConfigError).join('\n'));
    });
  }

  it('rejects a shadow of an undefined Service', () => {
    const r = parseConfigText(yamlOf(...base, shadowDoc({ service: 'nope' })), 'mesh.yaml');
    assert.equal(r.ok, false);
    if (!r.ok) assert.ok(r.errors.some((e) => e.code === CONFIG_ERROR.reference && e.path === 'spec.service'));
  });

  it('renders <service>-shadow and a mirror of all traffic (full) or a share (sampled), for Envoy', () => {
    for (const [fidelity, numerator] of [[undefined, 1_000_000], [{ mode: 'sampled', percent: 12.5 }, 125_000]] as const) {
      const config = load(shadowDoc(fidelity ? { fidelity } : {}));
      const plan = shadowPlan(config);
      assert.deepEqual(plan.clusters, [{ name: 'greeter-shadow', protocol: 'http', lbPolicy: 'ROUND_ROBIN', endpoints: [{ address: '10.1.0.1', port: 8080 }], derivedFrom: 'greeter' }]);
      const model = buildMeshModel(config, new Map([['mirror', { clusters: plan.clusters, mirrors: plan.mirrors }]]) as Decisions, 0);
      assert.deepEqual(model.conflicts, []);
      const envoy = translate(model, { group: 'e', flavor: 'envoy', labels: {} });
      assert.deepEqual(validateResources(envoy), []);
      const cla = envoy.get(TYPE_URL.endpoint)!.get('greeter-shadow')!.message as Obj;
      assert.equal(cla.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address, '10.1.0.1');
      const route = (envoy.get(TYPE_URL.route)!.get('route/front')!.message as Obj).virtual_hosts[0].routes[0].route;
      assert.deepEqual(route.request_mirror_policies, [{ cluster: 'greeter-shadow', runtime_fraction: { default_value: { numerator, denominator: 'MILLION' } } }]);
    }
  });

  it('a disabled shadow renders nothing', () => {
    const plan = shadowPlan(load(shadowDoc({ enabled: false })));
    assert.deepEqual([plan.clusters, plan.mirrors, plan.shadows.map((s) => s.enabled)], [[], [], [false]]);
  });

  describe('shadow render', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'greeter', namespace: 'shop', labels: { app: 'greeter' } },
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: 'greeter' } },
        template: {
          metadata: { labels: { app: 'greeter', tier: 'api' } },
          spec: { containers: [{ name: 'app', image: 'greeter:1', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: 2, memory: '100Mi' } } }] },
        },
      },
    };

    it('scales replicas and resources, relabels so the primary Service never selects shadows, and limits egress to shadows', () => {
      const [d, np] = renderShadow(deployment, { factor: 0.25 }) as [Obj, Obj];
      assert.equal(d.metadata.name, 'greeter-shadow');
      assert.equal(d.spec.replicas, 3, 'ceil(10 × 0.25)');
      assert.deepEqual(d.spec.template.spec.containers[0].resources, { requests: { cpu: '125m', memory: '256Mi' }, limits: { cpu: '500m', memory: '25Mi' } });
      assert.deepEqual(d.spec.selector.matchLabels, { app: 'greeter-shadow', 'prescient.dev/shadow': 'true', 'prescient.dev/shadow-of': 'greeter' });
      assert.equal(d.spec.template.metadata.labels.app, 'greeter-shadow', 'the primary Service selects app=greeter: not these pods');
      assert.equal(d.spec.template.metadata.labels.tier, 'api');
      assert.equal(np.kind, 'NetworkPolicy');
      assert.deepEqual(np.spec.policyTypes, ['Egress']);
      assert.deepEqual(np.spec.podSelector.matchLabels, { 'prescient.dev/shadow-of': 'greeter' });
      assert.deepEqual(np.spec.egress[0].to, [{ podSelector: { matchLabels: { 'prescient.dev/shadow': 'true' } } }]);
      assert.equal(np.metadata.namespace, 'shop');
      assert.equal(deployment.spec.replicas, 10, 'the input is not changed');
    });

    it('scales quantities and refuses ones it cannot read', () => {
      assert.deepEqual([scaleCpu('1', 0.1), scaleCpu('1m', 0.1), scaleCpu(0.5, 0.5), scaleMemory('1G', 0.5), scaleMemory(1048576, 1)], ['100m', '1m', '250m', '477Mi', '1Mi']);
      assert.throws(() => scaleCpu('lots', 0.5), /PRESCIENT_SHADOW_RENDER/);
      assert.throws(() => renderShadow({ kind: 'Service' }, { factor: 0.5 }), /expected a Deployment/);
    });

    it('`prescient shadow render` prints the manifests as YAML', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prescient-shadow-'));
      try {
        const file = path.join(dir, 'deploy.yaml');
        await fs.writeFile(file, YAML.stringify(deployment));
        const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bin/prescient.js'), 'shadow', 'render', file, '--factor', '0.5'], { timeout: 30_000 });
        const docs = YAML.parseAllDocuments(stdout).map((d) => d.toJS());
        assert.deepEqual(docs.map((d) => [d.kind, d.metadata.name]), [['Deployment', 'greeter-shadow'], ['NetworkPolicy', 'greeter-shadow-egress']]);
        assert.equal(docs[0].spec.replicas, 5);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
});
