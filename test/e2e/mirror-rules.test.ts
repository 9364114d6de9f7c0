/**
 * MirrorRules through a running Prescient: a raw ADS client subscribing like Envoy sees a new
 * mirror target's cluster and endpoints acknowledged before the route naming it (make before
 * break); real proxyless gRPC clients (@grpc/grpc-js-xds and grpc-go) keep ACKing and calling while
 * the rule is on (they get no mirror policy: gRPC cannot mirror); `prescient mirror list` and the
 * `prescient_mirror_rules_not_applied` metric say which clients carry the rule.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TYPE_URL } from '../../xds-server/envoy/type-urls.ts';
import { startBackends, type BackendServer } from '../support/backend-servers.ts';
import { errorsIn } from '../support/call-tally.ts';
import { REPO_ROOT } from '../support/envoy-binary.ts';
import { eventually } from '../support/eventually.ts';
import { backendService } from '../support/meshes.ts';
import { PrescientHarness, type DocSpec } from '../support/prescient-harness.ts';
import { nodeMessage, RawXdsClient, type SotwResponse, type SotwStream } from '../support/raw-ads-client.ts';
import { EchoClient } from '../support/xds-channel.ts';

const run = promisify(execFile);
type Obj = Record<string, any>;

const short = (r: SotwResponse): string => r.type_url.slice(r.type_url.lastIndexOf('.') + 1);

describe('e2e: MirrorRule through a running Prescient', function () {
  this.timeout(60_000);
  let backends: BackendServer[];
  let h: PrescientHarness;
  let raw: RawXdsClient;
  let grpcClient: EchoClient;

  const docs = (mirror: boolean): DocSpec[] => [
    backendService('greeter', [{ server: backends[0]! }]),
    ...(mirror
      ? [
          backendService('sandbox', [{ server: backends[1]! }]),
          { kind: 'MirrorRule', name: 'greeter-sandbox', spec: { service: 'greeter', targets: [{ service: 'sandbox', percent: 10, runtimeKey: 'mirror.greeter' }] } },
        ]
      : []),
    { kind: 'Route', name: 'front', spec: { hosts: ['front'], listener: { address: '127.0.0.1', port: 10000 }, rules: [{ backends: [{ service: 'greeter' }] }] } },
  ];

  before(async function () {
    // grpc-go's xDS client (test/interop): the first build takes minutes, later ones nothing.
    this.timeout(600_000);
    await run('bash', [path.join(REPO_ROOT, 'scripts/build-interop.sh')], { timeout: 590_000 });
    backends = await startBackends(['greeter-1', 'sandbox-1']);
    h = await PrescientHarness.start(docs(false));
    raw = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
    grpcClient = new EchoClient('xds:///greeter', h.xdsPort, { id: 'grpc-mirror-test' });
  });

  after(async () => {
    grpcClient?.close();
    raw?.close();
    await h?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
  });

  /** Subscribes like Envoy: CDS wildcard, EDS by cluster, LDS wildcard, RDS by name; ACKs each. */
  async function connectLikeEnvoy(s: SotwStream): Promise<Map<string, SotwResponse>> {
    const last = new Map<string, SotwResponse>();
    const step = async (req: Parameters<SotwStream['send']>[0], ackNames: string[]) => {
      s.send(req);
      const res = await s.next();
      s.ack(res, ackNames);
      last.set(res.type_url, res);
    };
    await step({ node: nodeMessage({ id: 'envoy-mirror-test', cluster: 'web', user_agent_name: 'envoy' }), type_url: TYPE_URL.cluster }, []);
    await step({ type_url: TYPE_URL.endpoint, resource_names: ['greeter'] }, ['greeter']);
    await step({ type_url: TYPE_URL.listener }, []);
    await step({ type_url: TYPE_URL.route, resource_names: ['route/front'] }, ['route/front']);
    await s.expectNone(150);
    return last;
  }

  it('sends the target cluster and its endpoints, acknowledged, before the route that mirrors to it', async () => {
    const s = raw.sotw();
    const last = await connectLikeEnvoy(s);
    const warm = await grpcClient.spread(20);
    assert.deepEqual(errorsIn(warm), []);

    await h.writeConfig(docs(true));
    const cds = await s.next(5000);
    assert.equal(short(cds), 'Cluster', 'the target cluster comes first');
    assert.deepEqual(cds.resources.map((r) => r.name).sort(), ['greeter', 'sandbox']);
    // Like Envoy: subscribe to the new cluster's endpoints at once, hold the CDS ACK until they came.
    s.send({ type_url: TYPE_URL.endpoint, resource_names: ['greeter', 'sandbox'], response_nonce: last.get(TYPE_URL.endpoint)!.nonce });
    let eds = await s.next();
    assert.equal(short(eds), 'ClusterLoadAssignment', 'endpoints before the route');
    assert.ok(eds.resources.some((r) => r.name === 'sandbox'));
    s.ack(eds, ['greeter', 'sandbox']);
    await s.expectNone(200).catch(() => assert.fail('the route must wait until the target cluster is ACKed'));
    s.ack(cds);
    let next = await s.next();
    while (short(next) === 'ClusterLoadAssignment') {
      // Re-sent endpoints of updated clusters (rule 10) may come before the route; ACK them too.
      eds = next;
      s.ack(eds, ['greeter', 'sandbox']);
      next = await s.next();
    }
    assert.equal(short(next), 'RouteConfiguration', `got ${short(next)}`);
    const route = (next.resources[0]!.message as Obj).virtual_hosts[0].routes[0].route;
    assert.deepEqual(route.request_mirror_policies, [
      { cluster: 'sandbox', runtime_fraction: { default_value: { numerator: 100_000, denominator: 'MILLION' }, runtime_key: 'mirror.greeter' } },
    ]);
    s.ack(next, ['route/front']);
  });

  it('a real grpc-js-xds client keeps ACKing every type and calling while the rule is on (no NACK)', async () => {
    const counts = await grpcClient.spread(200);
    assert.deepEqual(errorsIn(counts), []);
    assert.equal(counts.get('greeter-1'), 200, 'mirroring never changes where gRPC calls go');
    const { clients } = await h.adminJson('/debug/clients');
    const grpc = clients.find((c: Obj) => c.nodeId === 'grpc-mirror-test');
    assert.equal(grpc.flavor, 'grpc');
    for (const t of grpc.types) assert.equal(t.nackCount, 0, `${t.type}: ${t.lastNack?.message}`);
  });

  it('grpc-go\'s xDS client ACKs every type with the rule on (no NACK) and its calls are unaffected', async () => {
    const nodeId = `go-mirror-${process.pid}`;
    const { stdout } = await run(path.join(REPO_ROOT, 'test/interop/go-xds-client/bin/go-xds-client'), ['-xds-server', `127.0.0.1:${h.xdsPort}`, '-node-id', nodeId, '-target', 'xds:///greeter', '-rpcs', '200', '-concurrency', '10'], { timeout: 45_000 });
    const tally = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.deepEqual([tally.backends, tally.errors], [{ 'greeter-1': 200 }, {}]);
  });

  it('`prescient mirror list` counts the Envoy and gRPC clients carrying the rule; the metric counts it as not applied', async () => {
    const list = async (json: boolean) =>
      (await run(process.execPath, [path.join(REPO_ROOT, 'bin/prescient.js'), 'mirror', 'list', ...(json ? ['--json'] : []), '--admin', `http://127.0.0.1:${h.prescient.adminPort}`], { timeout: 30_000 })).stdout;
    const status = JSON.parse(await list(true));
    assert.deepEqual(status.rules.map((r: Obj) => [r.rule, r.service, r.envoyClients, r.grpcClients]), [['greeter-sandbox', 'greeter', 1, 1]]);
    assert.deepEqual(status.targets.map((t: Obj) => [t.target, t.totalPercent]), [['sandbox', 10]]);
    const table = await list(false);
    assert.match(table, /greeter-sandbox\s+greeter\s+every request\s+sandbox 10% \(runtime mirror\.greeter\)\s+yes\s+1\s+1 \(not applied\)/);
    assert.match(table, /proxyless gRPC clients ignore mirror policies/);
    const metrics = (await h.admin('/metrics')).body;
    assert.match(metrics, /^prescient_mirror_rules_not_applied 1$/m);
    assert.match(metrics, /^prescient_mirror_rules 1$/m);
  });

  it('clears the slice when the rule goes, the metric follows, and both changes are in the audit trail', async () => {
    await h.writeConfig(docs(false));
    await eventually(async () => (await h.adminJson('/debug/mirrors')).rules.length === 0, 5000, 50, 'rule removed');
    assert.match((await h.admin('/metrics')).body, /^prescient_mirror_rules_not_applied 0$/m);
    assert.equal(h.prescient.currentDecisions().get('mirror'), undefined);
    const audit = (await h.adminJson('/debug/audit?action=mirror.')).entries;
    assert.deepEqual(audit.map((e: Obj) => [e.before.mirrors, e.after.mirrors]), [[[], ['greeter → sandbox 10%']], [['greeter → sandbox 10%'], []]], 'activation and removal are audited');
  });
});
