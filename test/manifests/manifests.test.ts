import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CRD_GROUP, CRD_VERSION, pluralOf } from '../../xds-server/config/crd.ts';
import { formatConfigError } from '../../xds-server/config/errors.ts';
import { parseConfigText } from '../../xds-server/config/loader.ts';
import { readSchemaSet } from '../../xds-server/config/schemas.ts';
import { CONFIGMAP_FILE, DEMO_CONFIG, generatedManifests, manifestDrift, REPO_ROOT } from '../../scripts/gen-crds.ts';

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

const MANIFESTS = path.join(REPO_ROOT, 'manifests');
const KUBE_FILES = yamlFiles(MANIFESTS).filter((f) => !f.includes(`${path.sep}bootstrap${path.sep}`) && !f.endsWith('kustomization.yaml'));

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
    const shipped = fs.readdirSync(dir).sort();
    assert.deepEqual(Object.keys(configMap.data).sort(), shipped);
    for (const name of shipped) assert.equal(configMap.data[name], fs.readFileSync(path.join(dir, name), 'utf8'), name);
  });

  it('list only existing files in kustomization.yaml', () => {
    const kustomization = objects(path.join(MANIFESTS, 'kustomization.yaml'))[0] as unknown as { resources: string[] };
    for (const rel of kustomization.resources) assert.ok(fs.existsSync(path.join(MANIFESTS, rel)), rel);
    assert.deepEqual([...kustomization.resources].sort(), KUBE_FILES.map((f) => path.relative(MANIFESTS, f)).sort());
  });
});
