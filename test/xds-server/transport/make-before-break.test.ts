import assert from 'node:assert/strict';
import { TYPE_URL } from '../../../xds-server/envoy/type-urls.ts';
import { cluster, clusterLoadAssignment, listener, renderedSet, routeConfiguration } from '../../support/resource-builders.ts';
import type { SotwResponse, SotwStream } from '../../support/raw-ads-client.ts';
import { envoyNode, startHarness, type Harness } from './harness.ts';

const names = (r: SotwResponse): string[] => r.resources.map((x) => x.name).sort();
const short = (r: SotwResponse): string => r.type_url.slice(r.type_url.lastIndexOf('.') + 1);

/** Subscribes like Envoy: CDS wildcard, EDS by cluster, LDS wildcard, RDS by name; ACKs everything. */
async function connectLikeEnvoy(s: SotwStream): Promise<Map<string, SotwResponse>> {
  const last = new Map<string, SotwResponse>();
  const step = async (req: Parameters<SotwStream['send']>[0], ackNames: string[]): Promise<void> => {
    s.send(req);
    const res = await s.next();
    s.ack(res, ackNames);
    last.set(res.type_url, res);
  };
  await step({ node: envoyNode(), type_url: TYPE_URL.cluster }, []);
  await step({ type_url: TYPE_URL.endpoint, resource_names: ['a'] }, ['a']);
  await step({ type_url: TYPE_URL.listener }, []);
  await step({ type_url: TYPE_URL.route, resource_names: ['R'] }, ['R']);
  await s.expectNone(100);
  return last;
}

describe('make before break (CDS → EDS → LDS → RDS, then stale cluster removal)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', renderedSet(cluster('a'), clusterLoadAssignment('a'), listener('L', 'R'), routeConfiguration('R', 'a')));
  });
  afterEach(() => h.stop());

  it('moves a route to a new cluster in order and removes the old cluster last', async () => {
    const s = h.client.sotw();
    const last = await connectLikeEnvoy(s);

    h.cache.publish('envoy', renderedSet(cluster('b'), clusterLoadAssignment('b'), listener('L', 'R'), routeConfiguration('R', 'b')));
    const cds = await s.next();
    assert.equal(short(cds), 'Cluster');
    assert.deepEqual(names(cds), ['a', 'b'], 'the route still names a, so a stays');
    s.ack(cds);
    // Like Envoy, subscribe to the new cluster's endpoints after taking the cluster.
    s.send({ type_url: TYPE_URL.endpoint, resource_names: ['a', 'b'], response_nonce: last.get(TYPE_URL.endpoint)!.nonce });
    const eds = await s.next();
    assert.equal(short(eds), 'ClusterLoadAssignment', 'endpoints before the route that needs them');
    assert.deepEqual(names(eds), ['b']);
    s.ack(eds, ['a', 'b']);
    const rds = await s.next();
    assert.equal(short(rds), 'RouteConfiguration');
    assert.equal(rds.resources[0].message.virtual_hosts[0].routes[0].route.cluster, 'b');
    await s.expectNone(100).catch(() => assert.fail('nothing may follow the RDS push until it is ACKed'));
    s.ack(rds, ['R']);
    const finalCds = await s.next();
    assert.equal(short(finalCds), 'Cluster');
    assert.deepEqual(names(finalCds), ['b'], 'the stale cluster goes once the route no longer names it');
    s.ack(finalCds);
    await s.expectNone(150);
  });

  it('sends a new cluster\'s endpoints before its CDS response is ACKed, as Envoy requires', async () => {
    // Envoy 1.40 (test/e2e/envoy-traffic.test.ts) subscribes to a new cluster's endpoints right
    // away but holds the CDS ACK until the cluster has warmed, that is until those endpoints came.
    const s = h.client.sotw();
    const last = await connectLikeEnvoy(s);
    h.cache.publish('envoy', renderedSet(cluster('b'), clusterLoadAssignment('b'), listener('L', 'R'), routeConfiguration('R', 'b')));
    const cds = await s.next();
    assert.equal(short(cds), 'Cluster');
    s.send({ type_url: TYPE_URL.endpoint, resource_names: ['a', 'b'], response_nonce: last.get(TYPE_URL.endpoint)!.nonce });
    const eds = await s.next();
    assert.equal(short(eds), 'ClusterLoadAssignment', 'endpoints go out while CDS is unacknowledged');
    assert.deepEqual(names(eds), ['b']);
    s.ack(eds, ['a', 'b']);
    await s.expectNone(100).catch(() => assert.fail('the route must wait for the CDS ACK'));
    s.ack(cds);
    const rds = await s.next();
    assert.equal(short(rds), 'RouteConfiguration');
    assert.equal(rds.resources[0].message.virtual_hosts[0].routes[0].route.cluster, 'b');
  });

  it('keeps the stale cluster while the route change is NACKed', async () => {
    const s = h.client.sotw();
    const last = await connectLikeEnvoy(s);
    h.cache.publish('envoy', renderedSet(cluster('b'), clusterLoadAssignment('b'), listener('L', 'R'), routeConfiguration('R', 'b')));
    const cds = await s.next();
    s.ack(cds);
    s.send({ type_url: TYPE_URL.endpoint, resource_names: ['a', 'b'], response_nonce: last.get(TYPE_URL.endpoint)!.nonce });
    s.ack(await s.next(), ['a', 'b']);
    const rds = await s.next();
    s.nack(rds, 'route rejected', ['R']);
    await s.expectNone(200);
    const status = h.server.clients()[0].types.find((t) => t.type === 'cds')!;
    assert.equal(status.ackedVersion, cds.version_info, 'cluster a is still served');
  });

  it('orders a CDS and EDS change before the LDS change of the same publish', async () => {
    const s = h.client.sotw();
    await connectLikeEnvoy(s);
    h.cache.publish('envoy', renderedSet(cluster('a', 3), clusterLoadAssignment('a', [{ address: '10.0.0.9', port: 9 }]), listener('L', 'R2'), routeConfiguration('R', 'a')));
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await s.next();
      order.push(short(res));
      s.ack(res, res.type_url === TYPE_URL.endpoint ? ['a'] : res.type_url === TYPE_URL.route ? ['R'] : []);
    }
    assert.deepEqual(order, ['Cluster', 'ClusterLoadAssignment', 'Listener']);
  });
});

describe('warming follow-ups (rule 10)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.cache.publish('envoy', renderedSet(cluster('a'), clusterLoadAssignment('a'), listener('L', 'R'), routeConfiguration('R', 'a')));
  });
  afterEach(() => h.stop());

  it('re-sends unchanged endpoints after a cluster changes', async () => {
    const s = h.client.sotw();
    await connectLikeEnvoy(s);
    h.cache.publish('envoy', renderedSet(cluster('a', 4), clusterLoadAssignment('a'), listener('L', 'R'), routeConfiguration('R', 'a')));
    const cds = await s.next();
    s.ack(cds);
    const eds = await s.next();
    assert.equal(short(eds), 'ClusterLoadAssignment');
    assert.deepEqual(names(eds), ['a']);
    s.ack(eds, ['a']);
    await s.expectNone(150);
  });

  it('re-sends unchanged routes after a listener changes', async () => {
    const s = h.client.sotw();
    await connectLikeEnvoy(s);
    h.cache.publish('envoy', renderedSet(cluster('a'), clusterLoadAssignment('a'), listener('L', 'R'), listener('L2', 'R'), routeConfiguration('R', 'a')));
    const lds = await s.next();
    assert.equal(short(lds), 'Listener');
    s.ack(lds);
    const rds = await s.next();
    assert.equal(short(rds), 'RouteConfiguration');
    assert.deepEqual(names(rds), ['R']);
  });
});
