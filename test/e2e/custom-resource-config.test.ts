/**
 * Prescient configured through its custom resources on a real API server (etcd + kube-apiserver,
 * the shipped CRDs), serving real proxyless gRPC clients (@grpc/grpc-js-xds) that call real gRPC
 * backends. Statuses are read back from the API server, as `kubectl get -o yaml` would show them.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { errorsIn } from '../support/call-tally.ts';
import { eventually } from '../support/eventually.ts';
import { KubeCluster } from '../support/kube-cluster.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { PrescientResources } from '../support/prescient-resources.ts';
import { EchoClient } from '../support/xds-channel.ts';
import { backendService } from '../support/meshes.ts';
import { freePort } from '../support/free-port.ts';
import { stopChild } from '../support/stop-child.ts';

const BIN = path.resolve('bin/prescient.js');

function runCli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }));
  });
}

const endpoint = (b: BackendServer) => ({ address: '127.0.0.1', port: b.port });

describe('e2e: config from Prescient custom resources, with status written back', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let resources: PrescientResources;
  let ns: string;
  let b1: BackendServer, b2: BackendServer, b3: BackendServer;
  let h: PrescientHarness;
  const clients: EchoClient[] = [];

  const client = (target: string) => {
    const c = new EchoClient(target, h.xdsPort);
    clients.push(c);
    return c;
  };
  /** Answers from `n` calls: which backends, and no errors. */
  const answers = async (c: EchoClient, n = 40) => {
    const counts = await c.spread(n, 10);
    return { backends: [...counts.keys()].filter((k) => !k.startsWith('error')).sort(), errors: errorsIn(counts) };
  };

  before(async () => {
    cluster = await KubeCluster.start();
    await cluster.installCrds();
    ns = await cluster.namespace('mesh');
    resources = new PrescientResources(cluster.kubeConfig());
    [b1, b2, b3] = (await startBackends(['b1', 'b2', 'b3'])) as [BackendServer, BackendServer, BackendServer];
    // The file declares one service of its own; everything else comes from custom resources.
    h = await PrescientHarness.start([backendService('filed', [{ server: b3 }]), { kind: 'Route', name: 'filed', spec: { hosts: ['filed'], rules: [{ backends: [{ service: 'filed' }] }] } }], {
      customResources: { kubeConfig: cluster.kubeConfig(), resyncMs: 500, minBackoffMs: 100, maxBackoffMs: 1000 },
    });
  });

  after(async () => {
    for (const c of clients) c.close();
    await h?.stop();
    await Promise.all([b1, b2, b3].filter(Boolean).map((b) => b.stop()));
    await cluster?.stop();
  });

  it('a Service and a Route applied through the API server configure real clients, and both are marked Accepted', async () => {
    await resources.create('Service', ns, 'greeter', { protocol: 'grpc', endpoints: [endpoint(b1)] });
    await resources.create('Route', ns, 'greeter', { hosts: ['greeter'], rules: [{ backends: [{ service: 'greeter' }] }] });
    const c = client('xds:///greeter');
    await eventually(async () => (await answers(c, 5)).backends.join() === 'b1', 10_000, 100, 'calls reach b1');
    const got = await answers(c);
    assert.deepEqual(got, { backends: ['b1'], errors: [] });
    for (const kind of ['Service', 'Route']) {
      const status = await eventuallyStatus(kind, 'greeter', 1);
      const cond = status.conditions!.find((x) => x.type === 'Accepted')!;
      assert.equal(cond.status, 'True');
      assert.equal(cond.reason, 'Accepted');
      assert.equal(cond.observedGeneration, 1);
      assert.equal(status.servingGeneration, 1);
      assert.equal(status.errors, undefined);
    }
    // The file's service serves beside them.
    assert.deepEqual(await answers(client('xds:///filed'), 10), { backends: ['b3'], errors: [] });
  });

  it('an edit of the resource changes what clients get', async () => {
    const edited = await resources.patchSpec('Service', ns, 'greeter', { endpoints: [endpoint(b2)] });
    assert.equal(edited.metadata.generation, 2);
    const c = client('xds:///greeter');
    await eventually(async () => (await answers(c, 5)).backends.join() === 'b2', 10_000, 100, 'calls move to b2');
    assert.deepEqual(await answers(c), { backends: ['b2'], errors: [] });
    const status = await eventuallyStatus('Service', 'greeter', 2);
    assert.equal(status.conditions![0].status, 'True');
    assert.equal(status.servingGeneration, 2);
  });

  it('an invalid edit (unknown reference) gets Accepted=False with the JSON path, and the last good version keeps serving', async () => {
    await resources.patchSpec('Route', ns, 'greeter', { rules: [{ backends: [{ service: 'nowhere' }] }] });
    const status = await eventuallyStatus('Route', 'greeter', 2);
    const cond = status.conditions!.find((x) => x.type === 'Accepted')!;
    assert.equal(cond.status, 'False');
    assert.equal(cond.reason, 'Invalid');
    assert.match(cond.message, /generation 1 keeps serving/);
    assert.equal(status.servingGeneration, 1);
    assert.deepEqual(status.errors!.map((e) => [e.code, e.path]), [['PRESCIENT_CONFIG_REFERENCE', 'spec.rules[0].backends[0].service']]);
    assert.match(status.errors![0].message, /names Service "nowhere", which is not defined/);
    // Clients keep the last good route (greeter → b2).
    assert.deepEqual(await answers(client('xds:///greeter')), { backends: ['b2'], errors: [] });

    // A value error the CRD schema cannot express (endpoints repeated) is refused by Prescient the same way.
    await resources.patchSpec('Service', ns, 'greeter', { endpoints: [endpoint(b1), endpoint(b1)] });
    const svc = await eventuallyStatus('Service', 'greeter', 3);
    assert.equal(svc.conditions![0].status, 'False');
    assert.equal(svc.servingGeneration, 2);
    assert.deepEqual(svc.errors!.map((e) => [e.code, e.path]), [['PRESCIENT_CONFIG_DUPLICATE', 'spec.endpoints[1]']]);
    assert.deepEqual(await answers(client('xds:///greeter')), { backends: ['b2'], errors: [] });

    // /debug/config reports each resource; the metrics count them by kind and state.
    const debug = await h.adminJson('/debug/config');
    const report = debug.customResources.resources.find((r: { origin: string }) => r.origin === `k8s:Route/${ns}/greeter`);
    assert.equal(report.state, 'rejected');
    assert.equal(report.generation, 2);
    assert.equal(report.servingGeneration, 1);
    assert.match(report.errors[0], new RegExp(`^k8s:Route/${ns}/greeter spec\\.rules\\[0\\]\\.backends\\[0\\]\\.service: .*\\[PRESCIENT_CONFIG_REFERENCE\\]$`));
    const metrics = (await h.admin('/metrics')).body;
    assert.match(metrics, /prescient_config_custom_resources\{kind="Route",state="rejected"\} 1/);
    assert.match(metrics, /prescient_config_custom_resources\{kind="Service",state="rejected"\} 1/);

    // Fixing both is accepted again and serves the fix.
    await resources.patchSpec('Service', ns, 'greeter', { endpoints: [endpoint(b1)] });
    await resources.patchSpec('Route', ns, 'greeter', { rules: [{ backends: [{ service: 'greeter' }] }] });
    assert.equal((await eventuallyStatus('Route', 'greeter', 3)).conditions![0].status, 'True');
    assert.equal((await eventuallyStatus('Service', 'greeter', 4)).conditions![0].status, 'True');
    const c = client('xds:///greeter');
    await eventually(async () => (await answers(c, 5)).backends.join() === 'b1', 10_000, 100, 'calls move back to b1');
  });

  it('the API server itself refuses a structurally invalid resource (port out of range) at apply time', async () => {
    await assert.rejects(resources.create('Service', ns, 'bad-port', { endpoints: [{ address: '127.0.0.1', port: 70000 }] }), (err: { code?: number; body?: string }) => {
      assert.equal(err.code, 422);
      assert.match(String(err.body), /spec\.endpoints\[0\]\.port: Invalid value: 70000: spec\.endpoints\[0\]\.port in body should be less than or equal to 65535/);
      return true;
    });
  });

  it('a resource with the same name as a file document is refused with both origins; the file keeps it', async () => {
    await resources.create('Service', ns, 'filed', { protocol: 'grpc', endpoints: [endpoint(b1)] });
    const status = await eventuallyStatus('Service', 'filed', 1);
    assert.equal(status.conditions![0].status, 'False');
    assert.equal(status.servingGeneration, undefined);
    assert.equal(status.errors![0].code, 'PRESCIENT_CONFIG_DUPLICATE');
    assert.equal(status.errors![0].path, 'metadata.name');
    assert.ok(status.errors![0].message.includes(`Service/filed is already defined in ${h.configFile} document 0`), status.errors![0].message);
    assert.deepEqual(await answers(client('xds:///filed')), { backends: ['b3'], errors: [] });
    const debug = await h.adminJson('/debug/config');
    assert.equal(debug.services.includes('filed'), true);
  });

  it('writes each status once: resyncs and its own status writes cause no further writes or reloads', async () => {
    const before = (await h.adminJson('/debug/config')).customResources.statusWrites.written;
    const reloads = () => h.admin('/metrics').then((m) => Number(/prescient_config_reloads_total\{result="success"\} (\d+)/.exec(m.body)?.[1] ?? 0));
    const reloadsBefore = await reloads();
    await new Promise((r) => setTimeout(r, 2000)); // four resync periods
    assert.equal((await h.adminJson('/debug/config')).customResources.statusWrites.written, before);
    assert.equal(await reloads(), reloadsBefore);
  });

  it('keeps serving through an API server restart and sees edits made after it', async () => {
    await cluster.restartApiServer(500);
    const c = client('xds:///greeter');
    assert.deepEqual(await answers(c), { backends: ['b1'], errors: [] });
    await resources.patchSpec('Service', ns, 'greeter', { endpoints: [endpoint(b2)] });
    await eventually(async () => (await answers(c, 5)).backends.join() === 'b2', 15_000, 200, 'an edit after the restart reaches clients');
  });

  it('a deleted resource leaves the configuration', async () => {
    await resources.delete('Route', ns, 'greeter');
    await eventually(async () => !(await h.adminJson('/debug/config')).routes.includes('greeter'), 10_000, 100, 'route withdrawn');
  });

  it('prescient serve --config-source kubernetes (no --config) reads the resources of --config-namespace with --kubeconfig', async () => {
    const refused = await runCli(['serve', '--no-scorer', '--xds-address', '127.0.0.1:0', '--admin-address', '127.0.0.1:0']);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /--config PATH\.\.\. is required/);

    const own = await cluster.namespace('cli');
    await resources.create('Service', own, 'cli-only', { protocol: 'grpc', endpoints: [endpoint(b3)] });
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve', '--config-source', 'kubernetes', '--kubeconfig', cluster.kubeconfigPath, '--config-namespace', own, '--no-scorer', '--no-istio', '--xds-address', '127.0.0.1:0', '--admin-address', `127.0.0.1:${port}`, '--log-level', 'warn'], { stdio: 'ignore' });
    try {
      let debug: any;
      await eventually(async () => {
        debug = await fetch(`http://127.0.0.1:${port}/debug/config`).then((r) => r.json()).catch(() => undefined);
        return debug?.customResources?.resources?.length === 1;
      }, 30_000, 200, 'the CLI server reports its custom resources');
      assert.equal(debug.customResources.namespace, own);
      assert.deepEqual(debug.services, ['cli-only'], 'only its namespace, no file');
      assert.equal(debug.customResources.resources[0].state, 'accepted');
    } finally {
      // `serve` drains on SIGTERM; it is killed if it takes longer (this test is not about shutdown).
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await stopChild(child);
      clearTimeout(killer);
    }
  });

  async function eventuallyStatus(kind: string, name: string, generation: number) {
    let status: Awaited<ReturnType<PrescientResources['accepted']>>;
    await eventually(async () => (status = await resources.accepted(kind, ns, name, generation)) !== undefined, 10_000, 100, `${kind}/${name} status for generation ${generation}`);
    return status!;
  }
});
