import assert from 'node:assert/strict';
import type { MeshConfig } from '../../../api/config.ts';
import { NO_DECISIONS } from '../../../api/decisions.ts';
import { ResourceCache } from '../../../xds-server/cache/resource-cache.ts';
import type { Decisions } from '../../../api/decisions.ts';
import { TYPE_URL, type TypeUrl } from '../../../xds-server/envoy/type-urls.ts';
import { silentLogger } from '../../../xds-server/log.ts';
import { xdsMetrics } from '../../../xds-server/metrics.ts';
import { Publisher, RENDER_FAILED } from '../../../xds-server/pipeline/publisher.ts';
import type { RenderedSet, RenderTarget } from '../../../xds-server/translate/types.ts';
import { buildMeshModel } from '../../../xds-server/model/build-mesh-model.ts';
import type { MeshModel } from '../../../api/mesh-model.ts';
import { cacheFingerprint } from '../../support/cache-contents.ts';
import { endpoint, meshConfig, resetDocumentCounter, route, rule, service } from '../../support/config-builders.ts';

const ENVOY: RenderTarget = { group: 'envoy', flavor: 'envoy', labels: {} };
const BOTH: readonly RenderTarget[] = [ENVOY, { group: 'grpc', flavor: 'grpc', labels: {} }];

function snapshot(config: MeshConfig, now = 1_000, d: Decisions = NO_DECISIONS): MeshModel {
  return buildMeshModel(config, d, now);
}

async function rejectedTotal(): Promise<number> {
  return (await xdsMetrics.publishRejected.get()).values[0]?.value ?? 0;
}

/** A Service that renders, then the same mesh with one field Envoy's rules refuse. */
function goodMesh(): MeshConfig {
  return meshConfig(service('greeter'), route('greeter', { rules: [rule(['greeter'])] }));
}

function zeroTimeoutMesh(): MeshConfig {
  // Document 0 is the Service; its connect timeout becomes Cluster.connect_timeout (must be > 0).
  return meshConfig(service('greeter', { connectTimeout: '0s' }), route('greeter', { rules: [rule(['greeter'])] }));
}

describe('Publisher', () => {
  let cache: ResourceCache;
  let publisher: Publisher;
  beforeEach(() => {
    resetDocumentCounter();
    cache = new ResourceCache();
    publisher = new Publisher(cache, silentLogger);
  });

  it('publishes a valid rendering for every demanded group, each for its flavor', async () => {
    assert.deepEqual(await publisher.publishAll(BOTH, snapshot(goodMesh())), { published: 2, refused: 0 });
    assert.deepEqual(cache.groups().sort(), ['envoy', 'grpc']);
    assert.deepEqual([...cache.view('envoy')!.resources(TYPE_URL.cluster).keys()], ['greeter']);
    assert.ok(cache.view('grpc')!.resources(TYPE_URL.listener).has('greeter'), 'gRPC clients get an api_listener named by the host');
    assert.equal(publisher.status().publishes, 2);
    assert.equal(publisher.status().lastFailure, undefined);
  });

  it('never publishes a set that fails validation: the previous resources keep serving byte for byte', async () => {
    await publisher.publishAll(BOTH, snapshot(goodMesh()));
    const served = cacheFingerprint(cache);
    resetDocumentCounter();
    assert.deepEqual(await publisher.publishAll(BOTH, snapshot(zeroTimeoutMesh(), 2_000)), { published: 0, refused: 2 });
    assert.deepEqual(cacheFingerprint(cache), served);
    assert.equal(publisher.status().publishes, 2, 'only the first publishes counted');
  });

  it('does not publish a first rendering that fails validation', () => {
    assert.equal(publisher.publishGroup(ENVOY, snapshot(zeroTimeoutMesh())), false);
    assert.equal(cache.view('envoy'), undefined);
  });

  it('names the group, config document and path of the refusal in lastFailure', async () => {
    await publisher.publishAll(BOTH, snapshot(zeroTimeoutMesh(), 2_000));
    const failure = publisher.status().lastFailure!;
    assert.ok(failure, 'a refusal is kept for /debug/config');
    assert.equal(failure.at, 2_000);
    assert.ok(['envoy', 'grpc'].includes(failure.group));
    const issue = failure.issues.find((i) => i.fieldPath === 'connect_timeout');
    assert.ok(issue, `connect_timeout issue among ${failure.messages.join('\n')}`);
    assert.deepEqual({ ...issue.origin }, { kind: 'Service', name: 'greeter', file: 'mesh.yaml', documentIndex: 0, path: 'spec.connectTimeout' });
    assert.match(failure.messages.join('\n'), /mesh\.yaml document 0 \(Service greeter\) at spec\.connectTimeout: .*connect_timeout/);
  });

  it('clears lastFailure once a push publishes every group', async () => {
    await publisher.publishAll(BOTH, snapshot(zeroTimeoutMesh()));
    assert.ok(publisher.status().lastFailure);
    resetDocumentCounter();
    await publisher.publishAll(BOTH, snapshot(goodMesh()));
    assert.equal(publisher.status().lastFailure, undefined);
  });

  it('counts every refused set in prescient_publish_rejected_total', async () => {
    const before = await rejectedTotal();
    await publisher.publishAll(BOTH, snapshot(zeroTimeoutMesh()));
    assert.equal(await rejectedTotal(), before + 2);
    await publisher.publishAll(BOTH, snapshot(goodMesh()));
    assert.equal(await rejectedTotal(), before + 2, 'valid sets do not count');
  });

  it('refuses a snapshot translate cannot render, and still publishes the groups it can', async () => {
    // Health checks are rendered for Envoy only, so only the Envoy group meets the bad duration.
    const mesh = meshConfig(service('greeter', { healthChecks: [{ type: 'tcp', interval: 'soon' }] }));
    assert.deepEqual(await publisher.publishAll(BOTH, snapshot(mesh)), { published: 1, refused: 1 });
    assert.equal(cache.view('envoy'), undefined);
    assert.ok(cache.view('grpc'));
    const failure = publisher.status().lastFailure!;
    assert.equal(failure.group, 'envoy');
    assert.match(failure.messages[0]!, new RegExp(`^${RENDER_FAILED}: cannot render for envoy clients: .*"soon" is not a duration`));
  });

  it('hands the cache the previous object of every resource a weight change left as it was', () => {
    const sets: RenderedSet[] = [];
    const recording = new Publisher({ publish: (_group, set) => void sets.push(set) }, silentLogger);
    const mesh = meshConfig(service('one', { endpoints: [endpoint('10.0.0.1', 80), endpoint('10.0.0.2', 80)] }), service('two'));
    const weighted: Decisions = new Map([['scorer', { weights: new Map([['one', { service: 'one', weights: new Map([['10.0.0.1:80', 9]]), computedAt: 1 }]]) }]]);
    recording.publishGroup(ENVOY, snapshot(mesh));
    recording.publishGroup(ENVOY, snapshot(mesh, 1_000, weighted));
    const [before, after] = sets;
    const same = (typeUrl: TypeUrl, name: string): boolean => before.get(typeUrl)!.get(name) === after.get(typeUrl)!.get(name);
    assert.equal(same(TYPE_URL.endpoint, 'one'), false, 'the reweighted assignment is new');
    assert.ok(same(TYPE_URL.endpoint, 'two'));
    assert.ok(same(TYPE_URL.cluster, 'one') && same(TYPE_URL.cluster, 'two'));
  });
});
