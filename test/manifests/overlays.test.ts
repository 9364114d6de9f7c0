/**
 * The three set-ups in manifests/overlays/, rendered by the real kustomize and sent to a real
 * kube-apiserver:
 *   - every overlay (and the base) renders, and the API server accepts every rendered object in a
 *     server-side dry run (schema, defaulting, admission; the namespace is created for real first);
 *   - each set-up grants Prescient's ServiceAccount exactly the access it uses: checked on the
 *     rendered RBAC and, after creating it for real, by the API server's own authorizer
 *     (SubjectAccessReview) — Leases only with the Lease set-up, EndpointSlices with discovery,
 *     the scale subresource only with the opt-in component, never Secrets;
 *   - the Deployment each renders sets only variables the CLI reads, and no boolean flag's
 *     variable to a "false" that would turn it on (commander reads presence, not value);
 *   - istio/mesh-config.yaml decodes as Istio's own MeshConfig and points at the Service.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { istioRoot } from '../../xds-server/istio/protos.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { eventually } from '../support/eventually.ts';
import { KubeCluster } from '../support/kube-cluster.ts';
import { kustomizeBuild, type RenderedObject } from '../support/kustomize.ts';

const MANIFESTS = path.join(REPO_ROOT, 'manifests');
const OVERLAYS = ['standalone', 'istio', 'replicas-redis', 'replicas-lease'] as const;
type SetUp = 'base' | (typeof OVERLAYS)[number] | 'with-scale-actuator';
const SA = 'system:serviceaccount:prescient:prescient';
const CR_PLURALS = ['services', 'routes', 'weightoverrides', 'scoringpolicies', 'dnszones', 'mirrorrules', 'failoverpolicies', 'shadownetworks', 'scalingpolicies'];

/** `group/resource:verb` for every rule granted to Prescient's ServiceAccount (namespace or `*`). */
function grants(objects: RenderedObject[]): Set<string> {
  const out = new Set<string>();
  const bindings = objects.filter((o) => (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.subjects?.some((s: any) => s.kind === 'ServiceAccount' && s.name === 'prescient' && s.namespace === 'prescient'));
  for (const b of bindings) {
    const role = objects.find((o) => o.kind === b.roleRef.kind && o.metadata.name === b.roleRef.name);
    assert.ok(role, `${b.kind} ${b.metadata.name} binds ${b.roleRef.kind} ${b.roleRef.name}, which the set-up ships`);
    const scope = b.kind === 'ClusterRoleBinding' ? '*' : b.metadata.namespace;
    for (const rule of role.rules) {
      for (const g of rule.apiGroups) for (const r of rule.resources) for (const v of rule.verbs) out.add(`${scope} ${g || 'core'}/${r}:${v}`);
    }
  }
  return out;
}

/** The rules each set-up should grant, and no more. */
function expectedGrants(setUp: SetUp): string[] {
  const base = [
    ...CR_PLURALS.flatMap((p) => ['get', 'list', 'watch'].map((v) => `prescient prescient.dev/${p}:${v}`)),
    ...CR_PLURALS.flatMap((p) => ['get', 'patch'].map((v) => `prescient prescient.dev/${p}/status:${v}`)),
  ];
  const discovery = ['get', 'list', 'watch'].map((v) => `* discovery.k8s.io/endpointslices:${v}`);
  const lease = ['get', 'create', 'update'].map((v) => `prescient coordination.k8s.io/leases:${v}`);
  const scale = ['deployments/scale', 'statefulsets/scale', 'replicasets/scale'].flatMap((r) => ['get', 'update'].map((v) => `* apps/${r}:${v}`));
  return {
    base,
    standalone: [...base, ...discovery],
    istio: [...base, ...discovery],
    'replicas-redis': [...base, ...discovery],
    'replicas-lease': [...base, ...discovery, ...lease],
    'with-scale-actuator': [...base, ...discovery, ...scale],
  }[setUp].sort();
}

/** Env variables the CLI reads (main.ts `.env(...)`), and which of them belong to boolean flags. */
function cliEnv(): { all: Set<string>; boolean: Set<string> } {
  const src = fs.readFileSync(path.join(REPO_ROOT, 'xds-server/app/cli/main.ts'), 'utf8');
  const all = new Set<string>();
  const boolean = new Set<string>();
  for (const m of src.matchAll(/new Option\('(--[a-z0-9-]+)((?: <[^>]+>| \[[^\]]+\])?)'[^\n]*?\.env\('([A-Z0-9_]+)'\)/g)) {
    all.add(m[3]!);
    if (!m[2]) boolean.add(m[3]!);
  }
  return { all, boolean };
}
/** Read by the process but not through a flag: the Downward API namespace and glibc's allocator. */
const NON_FLAG_ENV = new Set(['POD_NAMESPACE', 'MALLOC_MMAP_THRESHOLD_']);

const deploymentOf = (objects: RenderedObject[]) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'prescient')!;
const envOf = (objects: RenderedObject[]) => new Map<string, any>(deploymentOf(objects).spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));

describe('manifests/overlays: three set-ups rendered by kustomize', function () {
  this.timeout(120_000);
  const rendered = new Map<SetUp, RenderedObject[]>();
  let scratch: string;

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-overlays-'));
    rendered.set('base', await kustomizeBuild(MANIFESTS));
    for (const o of OVERLAYS) rendered.set(o, await kustomizeBuild(path.join(MANIFESTS, 'overlays', o)));
    // The opt-in component on top of the standalone set-up, as the README tells users to add it.
    const withScale = path.join(scratch, 'with-scale-actuator');
    fs.mkdirSync(withScale);
    fs.writeFileSync(
      path.join(withScale, 'kustomization.yaml'),
      // kustomize takes relative paths only.
      YAML.stringify({ resources: [path.relative(withScale, path.join(MANIFESTS, 'overlays/standalone'))], components: [path.relative(withScale, path.join(MANIFESTS, 'components/scale-actuator'))] }),
    );
    rendered.set('with-scale-actuator', await kustomizeBuild(withScale));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('every set-up renders the base objects once each, in the prescient namespace', () => {
    const baseKeys = rendered.get('base')!.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    for (const [setUp, objects] of rendered) {
      const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      assert.equal(new Set(keys).size, keys.length, `${setUp}: no object twice`);
      const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
      for (const k of baseKeys) assert.ok(names.has(k), `${setUp} has ${k}`);
      for (const o of objects) {
        const clusterScoped = ['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind!);
        assert.equal(o.metadata.namespace, clusterScoped ? undefined : 'prescient', `${setUp}: ${o.kind}/${o.metadata.name}`);
      }
    }
  });

  for (const setUp of ['base', ...OVERLAYS, 'with-scale-actuator'] as const) {
    it(`${setUp}: grants the ServiceAccount exactly what the set-up uses`, () => {
      assert.deepEqual([...grants(rendered.get(setUp)!)].sort(), expectedGrants(setUp));
    });
  }

  it('no set-up grants a wildcard, Secrets, or write access to anything but Leases, scale and its own resources\' status', () => {
    for (const [setUp, objects] of rendered) {
      for (const g of grants(objects)) {
        assert.ok(!g.includes('*:') && !g.includes('/*') && !g.endsWith(':*'), `${setUp}: ${g}`);
        assert.ok(!g.includes('secrets') && !g.includes('configmaps'), `${setUp}: ${g}`);
        if (/:(create|update|patch|delete)$/.test(g)) assert.ok(/leases|\/scale|prescient\.dev\/\w+\/status/.test(g), `${setUp} writes: ${g}`);
      }
    }
  });

  it('each Deployment sets only variables the CLI reads, and no boolean flag variable to a false value', () => {
    const cli = cliEnv();
    assert.ok(cli.boolean.has('PRESCIENT_TLS_REQUIRE_CLIENT_CERT') && cli.all.has('REDIS_URL') && !cli.boolean.has('REDIS_URL'), 'the extractor reads main.ts');
    for (const [setUp, objects] of rendered) {
      for (const [name, e] of envOf(objects)) {
        assert.ok(cli.all.has(name) || NON_FLAG_ENV.has(name), `${setUp}: ${name} is read by nothing`);
        if (cli.boolean.has(name)) assert.equal(e.value, 'true', `${setUp}: ${name}=${e.value} would turn the flag on; remove the variable instead`);
      }
    }
  });

  it('replicas: two pods, sharing Redis through the shipped Service, or leading through a Lease in their own namespace', () => {
    const redis = rendered.get('replicas-redis')!;
    assert.equal(deploymentOf(redis).spec.replicas, 2);
    const url = new URL(envOf(redis).get('REDIS_URL').value);
    const service = redis.find((o) => o.kind === 'Service' && o.metadata.name === 'prescient-redis')!;
    assert.equal(url.hostname, `${service.metadata.name}.${service.metadata.namespace}.svc`);
    assert.equal(Number(url.port), service.spec.ports[0].port);
    assert.equal(envOf(redis).get('PRESCIENT_LEASE'), undefined);

    const lease = rendered.get('replicas-lease')!;
    assert.equal(deploymentOf(lease).spec.replicas, 2);
    assert.equal(envOf(lease).get('PRESCIENT_LEASE').value, 'kubernetes');
    assert.equal(envOf(lease).get('POD_NAMESPACE').valueFrom.fieldRef.fieldPath, 'metadata.namespace');
    assert.equal(envOf(lease).get('REDIS_URL'), undefined);
    for (const setUp of ['base', 'standalone', 'istio'] as const) assert.equal(deploymentOf(rendered.get(setUp)!).spec.replicas, 1, setUp);
  });

  it('istio: TLS on xDS without client certificates, admitted from istiod only; the others require client certificates', () => {
    const istio = rendered.get('istio')!;
    const env = envOf(istio);
    assert.ok(env.has('PRESCIENT_TLS_CERT') && env.has('PRESCIENT_TLS_KEY'));
    assert.equal(env.has('PRESCIENT_TLS_REQUIRE_CLIENT_CERT'), false);
    assert.equal(env.has('PRESCIENT_LRS_IDENTITIES'), false);
    const policy = istio.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'prescient')!;
    const xds = policy.spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 'grpc-xds'));
    // client-node's typed model names `from` `_from`; compare as plain JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(xds._from ?? xds.from)), [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }]);
    for (const setUp of ['base', 'standalone', 'replicas-redis', 'replicas-lease'] as const) {
      assert.equal(envOf(rendered.get(setUp)!).get('PRESCIENT_TLS_REQUIRE_CLIENT_CERT').value, 'true', setUp);
    }
  });

  it("istio/mesh-config.yaml names Prescient's Service, with tlsSettings that decode as Istio's ClientTLSSettings", () => {
    const snippet = YAML.parse(fs.readFileSync(path.join(MANIFESTS, 'overlays/istio/mesh-config.yaml'), 'utf8'));
    const sources = snippet.meshConfig.configSources;
    assert.deepEqual(sources.map((s: { address: string }) => s.address), ['k8s://', 'xds://prescient.prescient.svc:18000']);
    const service = rendered.get('istio')!.find((o) => o.kind === 'Service' && o.metadata.name === 'prescient')!;
    assert.equal(`${service.metadata.name}.${service.metadata.namespace}.svc`, 'prescient.prescient.svc');
    assert.ok(service.spec.ports.some((p: any) => p.port === 18000));
    const tls = sources[1].tlsSettings;
    assert.equal(tls.mode, 'SIMPLE', 'istiod dials MUTUAL config sources as plaintext');
    assert.deepEqual([tls.sni, tls.subjectAltNames], ['prescient.prescient.svc', ['prescient.prescient.svc']]);
    // Every key is a field of istio.networking.v1alpha3.ClientTLSSettings (mesh config is proto3
    // JSON: camelCase names), and the mode one of its TLSmode values.
    const ClientTLSSettings = istioRoot().lookupType('istio.networking.v1alpha3.ClientTLSSettings');
    const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    for (const key of Object.keys(tls)) assert.ok(ClientTLSSettings.fields[snake(key)], `tlsSettings.${key} is a ClientTLSSettings field`);
    assert.ok(Object.keys(ClientTLSSettings.lookupEnum('TLSmode').values).includes(tls.mode));
  });

  describe('against a real kube-apiserver', () => {
    let cluster: KubeCluster;
    let objectApi: k8s.KubernetesObjectApi;

    before(async function () {
      this.timeout(120_000);
      cluster = await KubeCluster.start();
      const kc = cluster.kubeConfig();
      objectApi = k8s.KubernetesObjectApi.makeApiClient(kc);
      // Dry-run creates of namespaced objects need their namespace to exist.
      await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: 'prescient' } } });
    });
    after(async () => cluster?.stop());

    for (const setUp of ['base', ...OVERLAYS, 'with-scale-actuator'] as const) {
      it(`${setUp}: every rendered object is accepted by a server-side dry run`, async () => {
        for (const o of rendered.get(setUp)!) {
          if (o.kind === 'Namespace' && o.metadata.name === 'prescient') {
            const existing = await objectApi.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prescient' } });
            assert.equal(existing.metadata?.name, 'prescient');
            continue;
          }
          const created = await objectApi.create(o, undefined, 'All').catch((err: Error & { body?: unknown }) => {
            throw new Error(`${setUp}: ${o.kind}/${o.metadata.name} refused: ${JSON.stringify(err.body ?? err.message)}`);
          });
          assert.equal(created.metadata?.name, o.metadata.name);
        }
      });
    }

    it('manifests/grafana: the dashboards ConfigMap, labelled for the Grafana sidecar, is accepted by a server-side dry run', async () => {
      const objects = await kustomizeBuild(path.join(MANIFESTS, 'grafana'));
      assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`), ['ConfigMap/prescient/prescient-grafana-dashboards']);
      const [configMap] = objects as [RenderedObject];
      assert.equal(configMap.metadata.labels?.grafana_dashboard, '1');
      const dir = path.join(MANIFESTS, 'grafana');
      const files = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
      assert.deepEqual(Object.keys(configMap.data).sort(), files);
      for (const f of files) assert.equal(configMap.data[f], fs.readFileSync(path.join(dir, f), 'utf8'), f);
      // kubectl's client-side apply keeps the whole object in an annotation limited to 256 KiB.
      assert.ok(JSON.stringify(configMap).length < 256 * 1024);
      await objectApi.create(configMap, undefined, 'All');
    });

    it('refuses a broken object in the same dry run (so the checks above can fail)', async () => {
      const deployment = structuredClone(deploymentOf(rendered.get('standalone')!));
      deployment.spec.template.spec.containers[0].ports[0].containerPort = 70000;
      await assert.rejects(objectApi.create(deployment, undefined, 'All'), (err: { code?: number }) => err.code === 422);
    });

    for (const setUp of ['standalone', 'replicas-lease', 'with-scale-actuator'] as const) {
      it(`${setUp}: the API server's authorizer allows the ServiceAccount what the set-up uses and refuses the rest`, async () => {
        const rbac = rendered.get(setUp)!.filter((o) => /Role|RoleBinding|ServiceAccount/.test(o.kind!));
        for (const o of rbac) await objectApi.create(o);
        const authz = cluster.kubeConfig().makeApiClient(k8s.AuthorizationV1Api);
        const can = async (group: string, resource: string, verb: string, namespace?: string, subresource?: string) =>
          (await authz.createSubjectAccessReview({ body: { spec: { user: SA, groups: ['system:serviceaccounts', 'system:serviceaccounts:prescient'], resourceAttributes: { group, resource, verb, namespace, subresource } } } })).status?.allowed ?? false;
        try {
          await eventually(() => can('prescient.dev', 'services', 'watch', 'prescient'), 10_000, 100, 'RBAC objects reach the authorizer');
          assert.equal(await can('discovery.k8s.io', 'endpointslices', 'watch', 'shop'), true);
          assert.equal(await can('', 'secrets', 'get', 'prescient'), false);
          assert.equal(await can('prescient.dev', 'services', 'watch', 'shop'), false, 'custom resources in its own namespace only');
          assert.equal(await can('prescient.dev', 'routes', 'patch', 'prescient', 'status'), true, 'status of its custom resources');
          assert.equal(await can('prescient.dev', 'routes', 'patch', 'prescient'), false, 'status, not the resources themselves');
          assert.equal(await can('coordination.k8s.io', 'leases', 'update', 'prescient'), setUp === 'replicas-lease');
          assert.equal(await can('coordination.k8s.io', 'leases', 'update', 'shop'), false);
          assert.equal(await can('apps', 'deployments', 'update', 'shop', 'scale'), setUp === 'with-scale-actuator');
          assert.equal(await can('apps', 'deployments', 'update', 'shop'), false, 'scale, not the Deployment itself');
        } finally {
          for (const o of rbac.reverse()) await objectApi.delete(o).catch(() => undefined);
          await eventually(async () => !(await can('prescient.dev', 'services', 'watch', 'prescient')), 10_000, 100, 'RBAC objects removed');
        }
      });
    }
  });
});
