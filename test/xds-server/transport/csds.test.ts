import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { lookupType } from '../../../xds-server/envoy/protos.ts';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { clusterLoadAssignment, renderedSet, service } from '../../support/resource-builders.ts';
import { decodeResourceValue, nodeMessage, RawStream, type TestNode } from '../../support/raw-ads-client.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

const SERVICE = '/envoy.service.status.v3.ClientStatusDiscoveryService';
const TO_OBJECT = { longs: Number, enums: String, defaults: true, arrays: true } as const;

interface GenericXdsConfig {
  type_url: string;
  name: string;
  version_info: string;
  xds_config: { type_url: string; value: Uint8Array } | null;
  config_status: string;
  client_status: string;
  error_state: { details: string; version_info: string; last_update_attempt: { seconds: number; nanos: number } | null } | null;
}

interface ClientConfig {
  node: { id: string; cluster: string; user_agent_name: string; metadata: { fields: Record<string, Record<string, unknown>> } | null };
  generic_xds_configs: GenericXdsConfig[];
}

const requestType = lookupType('envoy.service.status.v3.ClientStatusRequest');
const responseType = lookupType('envoy.service.status.v3.ClientStatusResponse');
const encodeRequest = (req: object | Buffer): Buffer => (Buffer.isBuffer(req) ? req : Buffer.from(requestType.encode(requestType.fromObject(req)).finish()));
const decodeResponse = (bytes: Buffer): ClientConfig[] => (responseType.toObject(responseType.decode(bytes), TO_OBJECT) as { config: ClientConfig[] }).config;

/** An operator's CSDS client: the grpc-js generic client, protobufjs for the messages. */
class CsdsClient {
  private readonly client: grpc.Client;

  constructor(address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure());
  }

  /** FetchClientStatus; the request in fromObject form, or raw bytes. */
  fetch(request: object | Buffer = {}): Promise<ClientConfig[]> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(`${SERVICE}/FetchClientStatus`, encodeRequest, decodeResponse, request, (err, res) => (err ? reject(err) : resolve(res!)));
    });
  }

  stream(): RawStream<object, ClientConfig[]> {
    return new RawStream(this.client.makeBidiStreamRequest(`${SERVICE}/StreamClientStatus`, encodeRequest, decodeResponse));
  }

  close(): void {
    this.client.close();
  }
}

function entry(configs: ClientConfig[], nodeId: string, typeUrl: string, name: string): GenericXdsConfig {
  const client = configs.find((c) => c.node.id === nodeId);
  assert.ok(client, `no ClientConfig for node ${nodeId}; got ${configs.map((c) => c.node.id).join(', ')}`);
  const found = client.generic_xds_configs.find((g) => g.type_url === typeUrl && g.name === name);
  assert.ok(found, `no ${typeUrl} entry named "${name}" for ${nodeId}`);
  return found;
}

const nodeIds = (configs: ClientConfig[]): string[] => configs.map((c) => c.node.id).sort();

async function rejectionOf(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  return promise.then(
    () => assert.fail('expected the call to fail'),
    (err: grpc.ServiceError) => err,
  );
}

describe('CSDS (ClientStatusDiscoveryService)', () => {
  let h: Harness;
  let csds: CsdsClient;
  let now: number;
  beforeEach(async () => {
    now = 1_700_000_000_000;
    h = await startHarness({ clock: () => now });
    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b')));
    csds = new CsdsClient(h.address);
  });
  afterEach(async () => {
    csds.close();
    await h.stop();
  });

  /** An ADS stream for `node` that has ACKed the full CDS set. */
  async function ackedCds(node: TestNode): Promise<string> {
    const s = h.client.sotw();
    s.send({ node: nodeMessage(node), type_url: TYPE_URL.cluster });
    const res = await s.next();
    s.ack(res);
    await s.expectNone(100);
    return res.version_info;
  }

  it('reports an ACKed client: its node, each resource SYNCED at the ACKed version, with the resource itself', async () => {
    const node = { id: 'sidecar-1', cluster: 'web', user_agent_name: 'envoy', metadata: { team: 'payments', replicas: 3 } };
    const version = await ackedCds(node);

    const configs = await csds.fetch();
    assert.deepEqual(nodeIds(configs), ['sidecar-1']);
    const client = configs[0];
    assert.equal(client.node.cluster, 'web');
    assert.equal(client.node.user_agent_name, 'envoy');
    assert.deepEqual(client.node.metadata?.fields.team, { stringValue: 'payments' });
    assert.deepEqual(client.node.metadata?.fields.replicas, { numberValue: 3 });
    assert.deepEqual(client.generic_xds_configs.map((g) => g.name), ['a', 'b']);
    for (const name of ['a', 'b']) {
      const g = entry(configs, 'sidecar-1', TYPE_URL.cluster, name);
      assert.equal(g.version_info, version);
      assert.equal(g.client_status, 'ACKED');
      assert.equal(g.config_status, 'SYNCED');
      assert.equal(g.error_state, null);
      assert.equal(g.xds_config?.type_url, TYPE_URL.cluster);
      assert.equal(decodeResourceValue(TYPE_URL.cluster, g.xds_config!.value).name, name);
    }

    const bare = await csds.fetch({ exclude_resource_contents: true });
    assert.equal(entry(bare, 'sidecar-1', TYPE_URL.cluster, 'a').xds_config, null);
  });

  it('reports a NACK: NACKED and ERROR with the message, rejected version and time, at the last ACKed version', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode('sidecar-1'), type_url: TYPE_URL.cluster });
    const good = await s.next();
    s.ack(good);
    await s.expectNone(100);
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 7 }), ...service('b')));
    const bad = await s.next();
    now += 5_500;
    s.nack(bad, 'connect_timeout 7s is not allowed here', [], good.version_info);
    await s.expectNone(150);

    const g = entry(await csds.fetch(), 'sidecar-1', TYPE_URL.cluster, 'a');
    assert.equal(g.client_status, 'NACKED');
    assert.equal(g.config_status, 'ERROR');
    assert.equal(g.version_info, good.version_info, 'version_info is what the client still runs');
    assert.equal(g.error_state?.details, 'connect_timeout 7s is not allowed here');
    assert.equal(g.error_state?.version_info, bad.version_info);
    assert.deepEqual(g.error_state?.last_update_attempt, { seconds: Math.floor(now / 1000), nanos: 500_000_000 });

    // A fixed version, once ACKed, clears the error.
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 2 }), ...service('b')));
    s.ack(await s.next());
    await s.expectNone(100);
    const fixed = entry(await csds.fetch(), 'sidecar-1', TYPE_URL.cluster, 'a');
    assert.equal(fixed.client_status, 'ACKED');
    assert.equal(fixed.config_status, 'SYNCED');
    assert.equal(fixed.error_state, null);
  });

  it('reports a response awaiting ACK as REQUESTED and STALE, with no ACKed version yet', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode('sidecar-1'), type_url: TYPE_URL.cluster });
    const res = await s.next();

    const g = entry(await csds.fetch(), 'sidecar-1', TYPE_URL.cluster, 'a');
    assert.equal(g.client_status, 'REQUESTED');
    assert.equal(g.config_status, 'STALE');
    assert.equal(g.version_info, '');
    assert.equal(decodeResourceValue(TYPE_URL.cluster, g.xds_config!.value).name, 'a', 'the content is what is in flight');

    s.ack(res);
    await s.expectNone(100);
    assert.equal(entry(await csds.fetch(), 'sidecar-1', TYPE_URL.cluster, 'a').client_status, 'ACKED');
  });

  it('reports a subscribed name missing from the view as DOES_NOT_EXIST and NOT_SENT, next to the ones that exist', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode('sidecar-1'), type_url: TYPE_URL.endpoint, resource_names: ['a', 'ghost'] });
    s.ack(await s.next(), ['a', 'ghost']);
    await s.expectNone(100);

    const configs = await csds.fetch();
    const ghost = entry(configs, 'sidecar-1', TYPE_URL.endpoint, 'ghost');
    assert.equal(ghost.client_status, 'DOES_NOT_EXIST');
    assert.equal(ghost.config_status, 'NOT_SENT');
    assert.equal(ghost.xds_config, null);
    const a = entry(configs, 'sidecar-1', TYPE_URL.endpoint, 'a');
    assert.equal(a.client_status, 'ACKED');
    assert.equal(a.config_status, 'SYNCED');
    assert.deepEqual(configs[0].generic_xds_configs.map((g) => g.name), ['a', 'ghost'], 'only subscribed names are listed');

    h.cache.publish('envoy', renderedSet(...service('a'), ...service('b'), clusterLoadAssignment('ghost')));
    const appeared = await s.next();
    s.ack(appeared, ['a', 'ghost']);
    await s.expectNone(100);
    const found = entry(await csds.fetch(), 'sidecar-1', TYPE_URL.endpoint, 'ghost');
    assert.equal(found.client_status, 'ACKED');
    assert.equal(found.config_status, 'SYNCED');
  });

  it('reports a delta stream per resource, including a type subscribed on a wildcard', async () => {
    const s = h.client.delta();
    s.send({ node: envoyNode('delta-1'), type_url: TYPE_URL.cluster });
    const clusters = await s.next();
    s.ack(clusters);
    s.send({ type_url: TYPE_URL.endpoint, resource_names_subscribe: ['b'] });
    const endpoints = await s.next();
    await s.expectNone(100);

    const configs = await csds.fetch();
    assert.deepEqual(configs[0].generic_xds_configs.map((g) => `${g.type_url.split('.').pop()}/${g.name}/${g.client_status}/${g.config_status}`), [
      'Cluster/a/ACKED/SYNCED',
      'Cluster/b/ACKED/SYNCED',
      'ClusterLoadAssignment/b/REQUESTED/STALE',
    ]);
    assert.equal(entry(configs, 'delta-1', TYPE_URL.cluster, 'a').version_info, clusters.system_version_info);

    s.ack(endpoints);
    await s.expectNone(100);
    assert.equal(entry(await csds.fetch(), 'delta-1', TYPE_URL.endpoint, 'b').client_status, 'ACKED');
  });

  it('says NOT_SENT for a version the view has but the client was not yet sent', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode('sidecar-1'), type_url: TYPE_URL.cluster });
    s.ack(await s.next());
    s.send({ type_url: TYPE_URL.endpoint, resource_names: ['a', 'b'] });
    s.ack(await s.next(), ['a', 'b']);
    await s.expectNone(100);
    // Cluster a and its endpoints change: CDS goes out, EDS waits behind it (make before break).
    h.cache.publish('envoy', renderedSet(...service('a', { connectTimeoutS: 9, endpoints: [{ address: '10.0.0.9', port: 9 }] }), ...service('b')));
    const cds = await s.next();
    assert.equal(cds.type_url, TYPE_URL.cluster);

    const configs = await csds.fetch();
    const waiting = entry(configs, 'sidecar-1', TYPE_URL.endpoint, 'a');
    assert.equal(waiting.client_status, 'ACKED', 'the client still runs the endpoints it ACKed');
    assert.equal(waiting.config_status, 'NOT_SENT');
    assert.equal(entry(configs, 'sidecar-1', TYPE_URL.endpoint, 'b').config_status, 'SYNCED', 'b did not change');

    s.ack(cds);
    s.ack(await s.next(), ['a', 'b']);
    await s.expectNone(100);
    assert.equal(entry(await csds.fetch(), 'sidecar-1', TYPE_URL.endpoint, 'a').config_status, 'SYNCED');
  });

  describe('node matchers', () => {
    beforeEach(async () => {
      await ackedCds({ id: 'sidecar-1', cluster: 'web', metadata: { team: 'payments' } });
      await ackedCds({ id: 'sidecar-22', cluster: 'web', metadata: { team: 'search' } });
      await ackedCds({ id: 'gateway-7', cluster: 'edge' });
    });

    it('selects by exact and prefix node id', async () => {
      assert.deepEqual(nodeIds(await csds.fetch({ node_matchers: [{ node_id: { exact: 'sidecar-1' } }] })), ['sidecar-1']);
      assert.deepEqual(nodeIds(await csds.fetch({ node_matchers: [{ node_id: { prefix: 'sidecar-' } }] })), ['sidecar-1', 'sidecar-22']);
      assert.deepEqual(nodeIds(await csds.fetch({ node_matchers: [{ node_id: { exact: 'nobody' } }] })), []);
    });

    it('ORs the matchers of a request; no matchers means every client', async () => {
      const either = { node_matchers: [{ node_id: { exact: 'gateway-7' } }, { node_id: { suffix: '-22' } }] };
      assert.deepEqual(nodeIds(await csds.fetch(either)), ['gateway-7', 'sidecar-22']);
      assert.deepEqual(nodeIds(await csds.fetch({})), ['gateway-7', 'sidecar-1', 'sidecar-22']);
    });

    it('ANDs node id and node metadata within one matcher', async () => {
      const team = (t: string) => ({ path: [{ key: 'team' }], value: { string_match: { exact: t } } });
      assert.deepEqual(nodeIds(await csds.fetch({ node_matchers: [{ node_metadatas: [team('search')] }] })), ['sidecar-22']);
      assert.deepEqual(nodeIds(await csds.fetch({ node_matchers: [{ node_id: { prefix: 'sidecar' }, node_metadatas: [team('nobody')] }] })), []);
      const noTeam = { path: [{ key: 'team' }], value: { present_match: false } };
      assert.deepEqual(nodeIds(await csds.fetch({ node_matchers: [{ node_metadatas: [noTeam] }] })), ['gateway-7']);
    });
  });

  describe('regular expressions from clients (RE2 semantics)', () => {
    it('matches (a+)+ against a 10,000-character node id in under 50 ms of CPU (a backtracking engine takes years)', async () => {
      const longId = `${'a'.repeat(9_999)}!`;
      await ackedCds({ id: longId, cluster: 'web' });
      await ackedCds({ id: 'aaaa', cluster: 'web' });
      await csds.fetch({ node_matchers: [{ node_id: { exact: 'warm-up' } }] });
      // CPU time, not wall time: on a loaded machine the wall clock also counts other processes'
      // turns, while a backtracking engine would burn this process's CPU for years.
      const started = process.cpuUsage();
      const found = nodeIds(await csds.fetch({ node_matchers: [{ node_id: { safe_regex: { regex: '(a+)+' } } }] }));
      const used = process.cpuUsage(started);
      const cpuMs = (used.user + used.system) / 1000;
      assert.deepEqual(found, ['aaaa']);
      assert.ok(cpuMs < 50, `took ${cpuMs.toFixed(1)} ms of CPU`);
    });

    it('uses RE2 syntax: rejects a backreference, accepts RE2-only \\z', async () => {
      const err = await rejectionOf(csds.fetch({ node_matchers: [{ node_id: { safe_regex: { regex: '(a)\\1' } } }] }));
      assert.match(err.details, /^CSDS_INVALID_MATCHER: node_matchers\[0\]\.node_id\.safe_regex\.regex: .* is not a valid regular expression/);
      await ackedCds({ id: 'sidecar-1', cluster: 'web' });
      assert.deepEqual(nodeIds(await csds.fetch({ node_matchers: [{ node_id: { safe_regex: { regex: 'side.*\\z' } } }] })), ['sidecar-1']);
    });

    it('rejects a regular expression over the length limit', async () => {
      const err = await rejectionOf(csds.fetch({ node_matchers: [{ node_id: { safe_regex: { regex: 'a'.repeat(1_025) } } }] }));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
      assert.match(err.details, /^CSDS_INVALID_MATCHER: .*1025 characters; at most 1024/);
    });
  });

  describe('invalid requests', () => {
    it('rejects a matcher that breaks the proto rules with INVALID_ARGUMENT naming the field', async () => {
      const err = await rejectionOf(csds.fetch({ node_matchers: [{ node_id: { exact: 'x' } }, { node_id: { prefix: '' } }] }));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
      assert.match(err.details, /^CSDS_INVALID_MATCHER: node_matchers\[1\]\.node_id\.prefix: must be at least 1 characters/);
    });

    it('rejects a regular expression that does not compile', async () => {
      const err = await rejectionOf(csds.fetch({ node_matchers: [{ node_id: { safe_regex: { regex: 'sidecar-(' } } }] }));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
      assert.match(err.details, /^CSDS_INVALID_MATCHER: node_matchers\[0\]\.node_id\.safe_regex\.regex: "sidecar-\(" is not a valid regular expression/);
    });

    it('rejects a metadata matcher without a value matcher, and bytes that are no ClientStatusRequest', async () => {
      const noValue = await rejectionOf(csds.fetch({ node_matchers: [{ node_metadatas: [{ path: [{ key: 'team' }] }] }] }));
      assert.equal(noValue.code, grpc.status.INVALID_ARGUMENT);
      assert.match(noValue.details, /^CSDS_INVALID_MATCHER: node_matchers\[0\]\.node_metadatas\[0\]\.value/);
      const garbage = await rejectionOf(csds.fetch(Buffer.from([0x0a, 0xff, 0xff])));
      assert.equal(garbage.code, grpc.status.INVALID_ARGUMENT);
      assert.match(garbage.details, /^CSDS_MALFORMED_REQUEST: /);
    });
  });

  describe('StreamClientStatus', () => {
    it('answers every request with a fresh snapshot', async () => {
      const s = h.client.sotw();
      s.send({ node: envoyNode('sidecar-1'), type_url: TYPE_URL.cluster });
      const res = await s.next();
      const status = csds.stream();
      const mine = { node_matchers: [{ node_id: { exact: 'sidecar-1' } }] };

      status.send(mine);
      assert.equal(entry(await status.next(), 'sidecar-1', TYPE_URL.cluster, 'a').client_status, 'REQUESTED');
      s.ack(res);
      await s.expectNone(100);
      status.send(mine);
      assert.equal(entry(await status.next(), 'sidecar-1', TYPE_URL.cluster, 'a').client_status, 'ACKED');
      status.send({ node_matchers: [{ node_id: { exact: 'someone-else' } }] });
      assert.deepEqual(await status.next(), []);
      status.close();
      assert.equal((await status.status).code, grpc.status.OK);
    });

    it('ends the stream with INVALID_ARGUMENT on a bad request', async () => {
      const status = csds.stream();
      status.send({ node_matchers: [{ node_id: { suffix: '' } }] });
      const end = await status.status;
      assert.equal(end.code, grpc.status.INVALID_ARGUMENT);
      assert.match(end.details, /^CSDS_INVALID_MATCHER: node_matchers\[0\]\.node_id\.suffix/);
    });
  });

  it('drops a client from the answer once its stream ends', async () => {
    const s = h.client.sotw();
    s.send({ node: envoyNode('sidecar-1'), type_url: TYPE_URL.cluster });
    await s.next();
    assert.deepEqual(nodeIds(await csds.fetch()), ['sidecar-1']);
    s.cancel();
    await s.status;
    for (let i = 0; i < 50 && h.server.clients().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(nodeIds(await csds.fetch()), []);
  });
});
