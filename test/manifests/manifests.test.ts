import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CRD_GROUP, CRD_VERSION, pluralOf } from '../../xds-server/config/crd.ts';
import { formatConfigError } from '../../xds-server/config/errors.ts';
import { parseConfigText } from '../../xds-server/config/loader.ts';
import { readSchemaSet } from '../../xds-server/config/schemas.ts';
import { DEFAULT_MEMORY_BUDGET_BYTES, PROCESS_BASELINE_BYTES } from '../../scorer/features/ring-feature-store.ts';
import { CONFIGMAP_FILE, DEMO_CONFIG, generatedManifests, manifestDrift, REPO_ROOT } from '../../scripts/gen-crds.ts';

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

const MANIFESTS = path.join(REPO_ROOT, 'manifests');
/** The base install's objects: crds/ and deploy/ (overlays and components: test/manifests/overlays.test.ts). */
const KUBE_FILES = [...yamlFiles(path.join(MANIFESTS, 'crds')), ...yamlFiles(path.join(MANIFESTS, 'deploy'))].filter((f) => !f.endsWith('kustomization.yaml'));

function objects(file: string): K8sObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], `${file} parses`);
    return d.toJS() as K8sObject;
  }).filter((o) => o !== null);
}

const ALL = KUBE_FILES.flatMap(objects);
const byKind = (kind: string): K8sObject[] => ALL.filter((o) => o.kind === kind);

describe('Kubernetes manifests', () => {
  it('match what npm run gen:crds produces now (CRDs, demo ConfigMap, kustomization)', () => {
    assert.deepEqual(manifestDrift(), [], 'run npm run gen:crds and commit the result');
  });

  it('have one CRD per kind schema, namespaced, in prescient.dev/v1alpha1, with no $ref', () => {
    const kinds = [...readSchemaSet().kinds.keys()];
    const crds = byKind('CustomResourceDefinition');
    assert.deepEqual(crds.map((c) => c.spec.names.kind).sort(), [...kinds].sort());
    for (const crd of crds) {
      assert.equal(crd.metadata.name, `${pluralOf(crd.spec.names.kind)}.${CRD_GROUP}`);
      assert.equal(crd.spec.group, CRD_GROUP);
      assert.equal(crd.spec.scope, 'Namespaced');
      assert.deepEqual(crd.spec.versions.map((v: { name: string }) => v.name), [CRD_VERSION]);
      const schema = JSON.stringify(crd.spec.versions[0].schema.openAPIV3Schema);
      assert.ok(!schema.includes('"$ref"') && !schema.includes('"$defs"') && !schema.includes('x-prescient'), crd.metadata.name);
      assert.equal(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.type, 'object');
    }
  });

  it('give every object apiVersion, kind and metadata.name', () => {
    assert.ok(ALL.length >= 9);
    for (const o of ALL) {
      assert.ok(o.apiVersion && o.kind && o.metadata?.name, JSON.stringify(o).slice(0, 120));
      if (!['CustomResourceDefinition', 'Namespace'].includes(o.kind)) assert.equal(o.metadata.namespace, 'prescient', `${o.kind}/${o.metadata.name}`);
    }
  });

  it('run prescient:0.1.0 serving xDS on 18000 and admin on 9901 with health probes', () => {
    const [deployment] = byKind('Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    assert.equal(container.image, 'prescient:0.1.0');
    assert.deepEqual(container.args, ['serve', '--config', '/etc/prescient']);
    assert.deepEqual(container.ports.map((p: { containerPort: number }) => p.containerPort), [18000, 9901]);
    const admin = container.ports.find((p: { containerPort: number }) => p.containerPort === 9901).name;
    assert.deepEqual([container.livenessProbe.httpGet.path, container.livenessProbe.httpGet.port], ['/healthz', admin]);
    assert.deepEqual([container.readinessProbe.httpGet.path, container.readinessProbe.httpGet.port], ['/readyz', admin]);
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) assert.equal(podLabels[k], v, `pods carry selector label ${k}`);
    const mount = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/etc/prescient');
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
    assert.equal(volume.configMap.name, 'prescient-config');
    assert.ok(byKind('ConfigMap').some((c) => c.metadata.name === 'prescient-config'));
    assert.equal(pod.serviceAccountName, byKind('ServiceAccount')[0].metadata.name);
  });

  it('expose both ports through a Service named prescient', () => {
    const [service] = byKind('Service');
    assert.equal(service.metadata.name, 'prescient');
    assert.deepEqual(service.spec.ports.map((p: { port: number }) => p.port), [18000, 9901]);
    assert.deepEqual(service.spec.selector, byKind('Deployment')[0].spec.selector.matchLabels);
  });

  it('let the service account read every Prescient custom resource', () => {
    const [role] = byKind('Role');
    const rule = role.rules.find((r: { apiGroups: string[] }) => r.apiGroups.includes(CRD_GROUP));
    for (const crd of byKind('CustomResourceDefinition')) assert.ok(rule.resources.includes(crd.spec.names.plural), crd.spec.names.plural);
    assert.deepEqual(rule.verbs, ['get', 'list', 'watch']);
    const [binding] = byKind('RoleBinding');
    assert.equal(binding.roleRef.name, role.metadata.name);
    assert.equal(binding.subjects[0].name, byKind('ServiceAccount')[0].metadata.name);
  });

  it('carry the demo config in the ConfigMap, and it loads clean', () => {
    const configMap = byKind('ConfigMap').find((c) => c.metadata.name === 'prescient-config')!;
    const text = configMap.data['mesh.yaml'];
    assert.equal(text, fs.readFileSync(path.join(REPO_ROOT, DEMO_CONFIG), 'utf8'));
    const result = parseConfigText(text, 'configmap:mesh.yaml');
    assert.ok(result.ok, result.ok ? '' : result.errors.map(formatConfigError).join('\n'));
    assert.ok(generatedManifests().has(CONFIGMAP_FILE));
  });

  it('carry every shipped proxy bootstrap, unchanged, in the prescient-proxy-bootstrap ConfigMap', () => {
    const configMap = byKind('ConfigMap').find((c) => c.metadata.name === 'prescient-proxy-bootstrap')!;
    const dir = path.join(REPO_ROOT, 'manifests/bootstrap');
    const shipped = fs.readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
    assert.deepEqual(shipped, ['envoy-delta.yaml', 'envoy.yaml', 'grpc-bootstrap.json', 'sds-xds-client-certificate.yaml', 'sds-xds-server-ca.yaml'], 'the Kubernetes (mutual TLS) set; local/ is not shipped');
    assert.deepEqual(Object.keys(configMap.data).sort(), shipped);
    for (const name of shipped) assert.equal(configMap.data[name], fs.readFileSync(path.join(dir, name), 'utf8'), name);
  });

  it('list every file of crds/ and deploy/ in their kustomization.yaml, and the base both directories', () => {
    const resources = (dir: string) => (objects(path.join(MANIFESTS, dir, 'kustomization.yaml'))[0] as unknown as { resources: string[] }).resources;
    assert.deepEqual(resources('.'), ['crds', 'deploy']);
    const listed = ['crds', 'deploy'].flatMap((dir) => resources(dir).map((rel) => path.join(dir, rel)));
    for (const rel of listed) assert.ok(fs.existsSync(path.join(MANIFESTS, rel)), rel);
    assert.deepEqual(listed.sort(), KUBE_FILES.map((f) => path.relative(MANIFESTS, f)).sort());
  });

  describe('security defaults (docs/security.md)', () => {
    const deployment = () => byKind('Deployment')[0]!;
    const container = () => deployment().spec.template.spec.containers[0];
    const env = (name: string) => container().env.find((e: { name: string }) => e.name === name);

    it('take the admin token from a required Secret', () => {
      const token = env('PRESCIENT_ADMIN_TOKEN');
      assert.deepEqual(token.valueFrom.secretKeyRef, { name: 'prescient-admin-token', key: 'token' });
      assert.notEqual(token.valueFrom.secretKeyRef.optional, true, 'the pod must not start without it');
      assert.equal(byKind('Secret').length, 0, 'no token or key is shipped in the manifests');
    });

    it('serve xDS over mutual TLS from a cert-manager-compatible Secret, readable by the pod user only', () => {
      const pod = deployment().spec.template.spec;
      const volume = pod.volumes.find((v: { secret?: { secretName: string } }) => v.secret?.secretName === 'prescient-xds-tls');
      assert.ok(volume, 'the prescient-xds-tls Secret is mounted');
      const mount = container().volumeMounts.find((m: { name: string }) => m.name === volume.name);
      assert.equal(mount.readOnly, true);
      for (const [variable, key] of [['PRESCIENT_TLS_CERT', 'tls.crt'], ['PRESCIENT_TLS_KEY', 'tls.key'], ['PRESCIENT_TLS_CA', 'ca.crt']]) {
        assert.equal(env(variable!).value, `${mount.mountPath}/${key}`, variable);
      }
      assert.equal(env('PRESCIENT_TLS_REQUIRE_CLIENT_CERT').value, 'true');
      assert.ok(env('PRESCIENT_LRS_IDENTITIES').value.includes('='), 'load reports are mapped to identities');
      assert.equal(volume.secret.defaultMode & 0o007, 0, 'not world-readable');
      assert.equal(pod.securityContext.fsGroup, pod.securityContext.runAsGroup);
    });

    it('admit xDS and admin traffic only from the namespaces the NetworkPolicy names', () => {
      const [policy] = byKind('NetworkPolicy');
      assert.deepEqual(policy.spec.podSelector.matchLabels, deployment().spec.selector.matchLabels);
      assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
      const ports = container().ports.map((p: { name: string }) => p.name).sort();
      const allowed = policy.spec.ingress.flatMap((rule: { ports: { port: string }[] }) => rule.ports.map((p) => p.port)).sort();
      assert.deepEqual(allowed, ports, 'every port has a rule, and only those');
      for (const rule of policy.spec.ingress) assert.ok(rule.from?.length > 0, 'no rule admits everyone');
      const admin = policy.spec.ingress.find((r: { ports: { port: string }[] }) => r.ports.some((p) => p.port === 'http-admin'));
      assert.ok(admin.from.every((f: { namespaceSelector?: { matchLabels?: object } }) => !f.namespaceSelector || Object.keys(f.namespaceSelector.matchLabels ?? {}).length > 0));
    });

    it('set a memory limit that holds the feature store budget plus the rest of the process', () => {
      const limit = bytesOf(container().resources.limits.memory);
      const budgetMb = env('PRESCIENT_FEATURE_STORE_BUDGET_MB')?.value;
      const budget = budgetMb === undefined ? DEFAULT_MEMORY_BUDGET_BYTES : Number(budgetMb) * 2 ** 20;
      assert.ok(limit >= budget + PROCESS_BASELINE_BYTES, `limit ${limit} < budget ${budget} + baseline ${PROCESS_BASELINE_BYTES}`);
      assert.ok(DEFAULT_MEMORY_BUDGET_BYTES + PROCESS_BASELINE_BYTES <= limit, 'the default budget fits the shipped limit too');
    });

    it('offer a Redis set-up with replicas sharing it, reachable only from Prescient', () => {
      const dir = path.join(MANIFESTS, 'overlays/replicas-redis');
      const kustomization = objects(path.join(dir, 'kustomization.yaml'))[0] as unknown as { resources: string[]; patches: { patch: string }[] };
      assert.deepEqual(kustomization.resources, ['../standalone', 'redis.yaml']);
      const patch = kustomization.patches[0]!.patch;
      assert.match(patch, /path: \/spec\/replicas\s+value: 2/);
      assert.match(patch, /name: REDIS_URL\s+value: redis:\/\/prescient-redis\.prescient\.svc:6379/);
      const redis = objects(path.join(dir, 'redis.yaml'));
      const service = redis.find((o) => o.kind === 'Service')!;
      assert.equal(service.metadata.name, 'prescient-redis');
      const policy = redis.find((o) => o.kind === 'NetworkPolicy')!;
      assert.deepEqual(policy.spec.ingress[0].from, [{ podSelector: { matchLabels: deployment().spec.selector.matchLabels } }]);
    });
  });
});

function bytesOf(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  assert.ok(m, `unsupported quantity ${quantity}`);
  return Number(m[1]) * { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, '': 1 }[m[2] ?? '']!;
}
