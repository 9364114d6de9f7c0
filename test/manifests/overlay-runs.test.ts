/**
 * The rendered set-ups run: Prescient's container as each overlay renders it — its args and every
 * environment variable, with only pod-provided values replaced (mount paths by scratch files, the
 * admin token Secret by a test token, the Downward API namespace, loopback ports) — started as
 * `prescient serve` with the credentials of the overlay's own ServiceAccount (a token the real
 * kube-apiserver issued for it, after the overlay's RBAC objects were created for real). So the
 * RBAC each set-up ships is not only small (overlays.test.ts) but enough:
 *   - standalone: a Prescient custom resource gets its status written; a Service with
 *     `discovery: {kubernetes: …}` gets endpoints from an EndpointSlice in another namespace; no
 *     request is forbidden; xDS refuses a client without a certificate;
 *   - replicas-lease: the replica takes its leader Leases in its namespace;
 *   - istio: xDS over TLS accepts a client without a certificate (istiod has none).
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { CRD_GROUP, CRD_VERSION } from '../../xds-server/config/crd.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { KubeCluster } from '../support/kube-cluster.ts';
import { kustomizeBuild, type RenderedObject } from '../support/kustomize.ts';
import { RawXdsClient } from '../support/raw-ads-client.ts';
import { stopChild } from '../support/stop-child.ts';
import { RedisServer } from '../support/redis-server.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';

const run = promisify(execFile);
const TOKEN = 'overlay-run-admin-token';
const RBAC_KINDS = new Set(['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

interface Running {
  child: ChildProcess;
  adminPort: number;
  xdsPort: number;
  output: () => string;
}

describe('rendered set-ups run as their own ServiceAccount against a real kube-apiserver', function () {
  this.timeout(180_000);
  let pki: TestPki;
  let scratch: string;

  before(() => {
    pki = makeTestPki();
    pki.issueClient('greeter-client', ['spiffe://cluster.local/ns/demo/sa/greeter-client']);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'prescient-overlay-run-'));
  });
  after(() => {
    pki?.remove();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** Creates the overlay's namespace and RBAC for real and returns a kubeconfig of its ServiceAccount. */
  async function asServiceAccount(cluster: KubeCluster, objects: RenderedObject[], dir: string): Promise<string> {
    const api = k8s.KubernetesObjectApi.makeApiClient(cluster.kubeConfig());
    for (const o of objects.filter((o) => RBAC_KINDS.has(o.kind!))) await api.create(o);
    const core = cluster.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const request = await core.createNamespacedServiceAccountToken({ name: 'prescient', namespace: 'prescient', body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    const file = path.join(dir, 'kubeconfig-sa.yaml');
    fs.writeFileSync(
      file,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server: cluster.server, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'prescient-sa', user: { token: request.status!.token } }],
        contexts: [{ name: 'sa', context: { cluster: 'test', user: 'prescient-sa', namespace: 'prescient' } }],
        'current-context': 'sa',
      }),
    );
    return file;
  }

  /** `prescient serve` with the rendered container's args and env; only pod-provided values replaced. */
  async function runContainer(objects: RenderedObject[], dir: string, kubeconfig: string, services: Record<string, string>): Promise<Running> {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'prescient')!;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    // Volumes → scratch directories with what the kubelet would put there.
    const mounts = new Map<string, string>();
    for (const m of container.volumeMounts) {
      const volume = pod.volumes.find((v: any) => v.name === m.name);
      const local = path.join(dir, 'mounts', m.name);
      fs.mkdirSync(local, { recursive: true });
      if (volume.configMap) {
        const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name)!;
        for (const [k, v] of Object.entries(cm.data as Record<string, string>)) fs.writeFileSync(path.join(local, k), v);
      } else if (volume.secret) {
        assert.equal(volume.secret.secretName, 'prescient-xds-tls');
        for (const [key, file] of [['tls.crt', 'server.crt'], ['tls.key', 'server.key'], ['ca.crt', 'ca.crt']] as const) fs.copyFileSync(pki.file(file), path.join(local, key));
      }
      mounts.set(m.mountPath, local);
    }
    /** A path under a mount → the same path under its scratch directory (the longest mount wins). */
    const remap = (value: string) => {
      const mount = [...mounts.keys()].sort((a, b) => b.length - a.length).find((m) => value === m || value.startsWith(`${m}/`));
      return mount ? mounts.get(mount)! + value.slice(mount.length) : value;
    };
    const [xdsPort, adminPort] = [await freePort(), await freePort()];
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig };
    for (const e of container.env) {
      if (e.valueFrom?.secretKeyRef) {
        assert.deepEqual([e.name, e.valueFrom.secretKeyRef.name], ['PRESCIENT_ADMIN_TOKEN', 'prescient-admin-token']);
        env[e.name] = TOKEN;
      } else if (e.valueFrom?.fieldRef) {
        assert.equal(e.valueFrom.fieldRef.fieldPath, 'metadata.namespace');
        env[e.name] = deployment.metadata.namespace!;
      } else env[e.name] = remap(String(e.value));
    }
    // Cluster Service addresses → where the test runs them (what the cluster's DNS would do).
    for (const [name, value] of Object.entries(env)) for (const [from, to] of Object.entries(services)) env[name] = value.replaceAll(from, to);
    assert.equal(env.PRESCIENT_XDS_ADDRESS, '0.0.0.0:18000');
    assert.equal(env.PRESCIENT_ADMIN_ADDRESS, '0.0.0.0:9901');
    env.PRESCIENT_XDS_ADDRESS = `127.0.0.1:${xdsPort}`;
    env.PRESCIENT_ADMIN_ADDRESS = `127.0.0.1:${adminPort}`;
    const args = container.args.map(remap);
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/prescient.js'), ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (b: Buffer) => (out = (out + b.toString()).slice(-200_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const running = { child, adminPort, xdsPort, output: () => out };
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`prescient exited (${child.exitCode}):\n${out.slice(-4000)}`);
        return (await fetch(`http://127.0.0.1:${adminPort}/readyz`).catch(() => undefined))?.status === 200;
      },
      60_000,
      200,
      'prescient ready',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${out.slice(-4000)}`);
    });
    return running;
  }

  const admin = async (r: Running, pathname: string) => (await fetch(`http://127.0.0.1:${r.adminPort}${pathname}`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

  /** Whether an xDS client with these credentials gets a CDS response. */
  async function xdsAnswers(r: Running, credentials: grpc.ChannelCredentials): Promise<boolean> {
    // The test server certificate names 127.0.0.1 and localhost; TLS server names are host names.
    const client = new RawXdsClient(`127.0.0.1:${r.xdsPort}`, credentials, { 'grpc.ssl_target_name_override': 'localhost' });
    try {
      const s = client.sotw();
      s.send({ node: { id: 'overlay-run', metadata: { PRESCIENT_CLIENT: 'envoy' } }, type_url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
      return await Promise.race([s.next().then(() => true, () => false), new Promise<boolean>((res) => setTimeout(() => res(false), 3000))]);
    } finally {
      client.close();
    }
  }

  /** Starts a cluster with the CRDs, runs the overlay's container as its ServiceAccount, calls `check`. */
  async function withRunningOverlay(overlay: string, check: (r: Running, cluster: KubeCluster) => Promise<void>, services: Record<string, string> = {}): Promise<void> {
    const objects = await kustomizeBuild(path.join(REPO_ROOT, 'manifests/overlays', overlay));
    const dir = fs.mkdtempSync(path.join(scratch, `${overlay}-`));
    const cluster = await KubeCluster.start();
    let running: Running | undefined;
    try {
      await cluster.installCrds();
      running = await runContainer(objects, dir, await asServiceAccount(cluster, objects, dir), services);
      await check(running, cluster);
      assert.doesNotMatch(running.output(), /forbidden|\b403\b/i, 'no request of the ServiceAccount was refused');
    } finally {
      if (running) await stopChild(running.child);
      await cluster.stop();
    }
  }

  it('standalone: custom resources get status, EndpointSlices give endpoints, xDS requires a client certificate', async () => {
    await withRunningOverlay('standalone', async (r, cluster) => {
      const kc = cluster.kubeConfig();
      const custom = kc.makeApiClient(k8s.CustomObjectsApi);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'shop' } } });
      await kc.makeApiClient(k8s.DiscoveryV1Api).createNamespacedEndpointSlice({
        namespace: 'shop',
        body: {
          metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
          addressType: 'IPv4',
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
          endpoints: [{ addresses: ['10.1.0.7'], conditions: { ready: true, serving: true, terminating: false } }],
        },
      });
      await custom.createNamespacedCustomObject({
        group: CRD_GROUP,
        version: CRD_VERSION,
        namespace: 'prescient',
        plural: 'services',
        body: { apiVersion: `${CRD_GROUP}/${CRD_VERSION}`, kind: 'Service', metadata: { name: 'web' }, spec: { protocol: 'http', ports: [{ name: 'http', port: 8080 }], discovery: { kubernetes: { namespace: 'shop', service: 'web' } } } },
      });
      await eventually(
        async () => {
          const obj = (await custom.getNamespacedCustomObject({ group: CRD_GROUP, version: CRD_VERSION, namespace: 'prescient', plural: 'services', name: 'web' })) as any;
          return obj.status?.conditions?.some((c: any) => c.type === 'Accepted' && c.status === 'True') ?? false;
        },
        20_000,
        200,
        'status Accepted written by the ServiceAccount',
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${r.output().slice(-3000)}`);
      });
      await eventually(async () => /prescient_kube_discovery_endpoints\{service="web",condition="serving"\} 1/.test(await admin(r, '/metrics')), 20_000, 200, 'the EndpointSlice endpoint');
      assert.equal(await xdsAnswers(r, grpc.credentials.createSsl(pki.read('ca.crt'))), false, 'no client certificate, no config');
      assert.equal(await xdsAnswers(r, grpc.credentials.createSsl(pki.read('ca.crt'), pki.read('greeter-client.key'), pki.read('greeter-client.crt'))), true);
    });
  });

  it('replicas-lease: the replica takes its leader Leases in its own namespace', async () => {
    await withRunningOverlay('replicas-lease', async (r, cluster) => {
      const coordination = cluster.kubeConfig().makeApiClient(k8s.CoordinationV1Api);
      await eventually(async () => ((await coordination.listNamespacedLease({ namespace: 'prescient' })).items.some((l) => l.spec?.holderIdentity)), 20_000, 200, 'a held Lease').catch(
        async (err: Error) => {
          throw new Error(`${err.message}\n${r.output().slice(-3000)}`);
        },
      );
      // Each leader key has its own Lease; the scorer's is one of them.
      await eventually(async () => /^prescient_scorer_leader 1$/m.test(await admin(r, '/metrics')), 20_000, 200, 'scoring leader');
      const held = (await coordination.listNamespacedLease({ namespace: 'prescient' })).items.filter((l) => l.spec?.holderIdentity).map((l) => l.metadata!.name);
      assert.ok(held.includes('prescient-scorer'), JSON.stringify(held));
    });
  });

  it('replicas-redis: the replica leads scoring through the Redis', async () => {
    const redis = await RedisServer.start();
    try {
      await withRunningOverlay(
        'replicas-redis',
        async (r) => {
          await eventually(async () => /^prescient_scorer_leader 1$/m.test(await admin(r, '/metrics')), 20_000, 200, 'scoring leader');
          // The lease and the weights live in that Redis.
          await eventually(async () => (await run('redis-cli', ['-u', redis.url, '--scan', '--pattern', 'prescient*'])).stdout.trim().length > 0, 10_000, 200, 'keys in Redis');
        },
        { 'redis://prescient-redis.prescient.svc:6379': redis.url },
      );
    } finally {
      await redis.stop();
    }
  });

  it('istio: xDS over TLS serves a client without a certificate', async () => {
    await withRunningOverlay('istio', async (r) => {
      assert.equal(await xdsAnswers(r, grpc.credentials.createSsl(pki.read('ca.crt'))), true);
    });
  });
});
