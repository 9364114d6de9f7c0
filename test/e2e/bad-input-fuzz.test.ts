/**
 * "Bad input never reaches a proxy": randomly damaged config documents go through the real
 * pipeline (loader → ConfigState → Publisher → ResourceCache, both client flavors), and a running
 * Prescient takes fifty bad edits in a row while raw ADS clients watch for pushes.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MeshConfig } from '../../api/config.ts';
import { NO_DECISIONS } from '../../api/decisions.ts';
import { ResourceCache } from '../../xds-server/cache/resource-cache.ts';
import { parseConfigText } from '../../xds-server/config/index.ts';
import { TYPE_URL, type TypeUrl } from '../../xds-server/envoy/type-urls.ts';
import { silentLogger } from '../../xds-server/log.ts';
import { ConfigState } from '../../xds-server/pipeline/config-state.ts';
import { Publisher } from '../../xds-server/pipeline/publisher.ts';
import { translate, type RenderTarget } from '../../xds-server/translate/index.ts';
import { buildMeshModel } from '../../xds-server/model/build-mesh-model.ts';
import type { MeshModel } from '../../api/mesh-model.ts';
import { formatIssue, validateResources } from '../../xds-server/validate/index.ts';
import { cacheFingerprint, decodedSet, namesByType } from '../support/cache-contents.ts';
import { configEdit, DEMO_YAML, type ConfigEdit } from '../support/config-mutations.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { nodeMessage, RawXdsClient, type SotwStream, type TestNode } from '../support/raw-ads-client.ts';

const RUNS = 1000;
const SEED = 0x5eed_bad;
const FILE = 'mesh.yaml';
const GROUPS: readonly RenderTarget[] = [
  { group: 'envoy', flavor: 'envoy', labels: {} },
  { group: 'grpc', flavor: 'grpc', labels: {} },
];

/** The pipeline of one Prescient without its transport, serving the demo mesh. */
class Pipeline {
  readonly cache = new ResourceCache();
  readonly state = new ConfigState([FILE]);
  readonly publisher = new Publisher(this.cache, silentLogger);
  private clock = 0;

  static async create(initial: MeshConfig): Promise<Pipeline> {
    const p = new Pipeline();
    p.state.accept(initial, 0, p.clock);
    const { refused } = await p.publisher.publishAll(GROUPS, p.snapshot());
    assert.equal(refused, 0, 'the demo mesh itself must publish');
    return p;
  }

  snapshot(): MeshModel {
    return buildMeshModel(this.state.config, NO_DECISIONS, this.clock);
  }

  tick(): number {
    return (this.clock += 1000);
  }
}

/** Issues of a group's rendering, by the same translate + validate the publisher runs. */
function expectedIssues(snapshot: MeshModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const target of GROUPS) out.set(target.group, validateResources(translate(snapshot, target)).map(formatIssue));
  return out;
}

function demoConfig(): MeshConfig {
  const demo = parseConfigText(DEMO_YAML, FILE);
  assert.ok(demo.ok, 'examples/demo/mesh.yaml must load');
  return demo.config;
}

interface Tally {
  steps: number;
  loaderRefused: number;
  /** Empty or comment-only text: accepted as a mesh with no documents, withdrawing everything. */
  acceptedEmpty: number;
  published: number;
  /** Accepted by the loader, refused by Envoy-level validation for at least one flavor. */
  validationRefused: { label: string; groups: string[]; issue: string }[];
  /** Fingerprints of cache contents already re-validated from their bytes. */
  verified: Set<string>;
}

/** Applies one edit, checks every property and tallies the outcome. */
async function step(p: Pipeline, edit: ConfigEdit, tally: Tally): Promise<void> {
  tally.steps++;
  const before = cacheFingerprint(p.cache);
  const configBefore = p.state.config;
  const result = parseConfigText(edit.text, FILE);
  const changed = p.state.reload(result, p.tick(), silentLogger);

  if (!result.ok) {
    tally.loaderRefused++;
    assert.equal(changed, false);
    assert.equal(p.state.config, configBefore, 'a refused reload keeps the previous configuration');
    assert.deepEqual(cacheFingerprint(p.cache), before, 'a refused reload leaves every published byte as it was');
  } else {
    if (result.documents.length === 0) tally.acceptedEmpty++;
    const snapshot = p.snapshot();
    const outcome = await p.publisher.publishAll(GROUPS, snapshot);
    const expected = expectedIssues(snapshot);
    const refusedGroups = [...expected].filter(([, issues]) => issues.length > 0).map(([g]) => g);
    assert.equal(outcome.refused, refusedGroups.length);
    const after = cacheFingerprint(p.cache);
    for (const target of GROUPS) {
      const group = target.group;
      if (refusedGroups.includes(group)) assert.equal(after.get(group), before.get(group), `${group}: a set failing validation must not be published`);
      else assert.deepEqual(namesByType(p.cache.view(group)!), namesByType(translate(snapshot, target)), `${group}: a valid set is published whole`);
    }
    if (refusedGroups.length > 0) {
      const failure = p.publisher.status().lastFailure;
      assert.ok(failure && refusedGroups.includes(failure.group), 'the refusal is reported on /debug/config');
      tally.validationRefused.push({ label: edit.label, groups: refusedGroups, issue: expected.get(refusedGroups[0]!)![0]! });
    } else tally.published++;
  }

  // Whatever happened, what the cache serves passes validation when read back from its bytes.
  // Identical contents (the demo baseline of every run, above all) are re-checked once.
  for (const [group, digest] of cacheFingerprint(p.cache)) {
    if (tally.verified.has(digest)) continue;
    const issues = validateResources(decodedSet(p.cache.view(group)!)).map(formatIssue);
    assert.deepEqual(issues, [], `${group} serves resources that fail validation`);
    tally.verified.add(digest);
  }
}

describe('e2e: bad input never reaches a proxy', function () {
  this.timeout(60_000);

  it(`keeps invalid resources out of the cache over ${RUNS} runs of random config edits`, async () => {
    const initial = demoConfig();
    const tally: Tally = { steps: 0, loaderRefused: 0, acceptedEmpty: 0, published: 0, validationRefused: [], verified: new Set() };
    await fc.assert(
      fc.asyncProperty(fc.array(configEdit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const p = await Pipeline.create(initial);
        for (const edit of edits) await step(p, edit, tally);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const refused = tally.validationRefused;
    console.log(
      `      ${RUNS} runs, ${tally.steps} edits: ${tally.loaderRefused} refused by the loader, ${tally.published} published ` +
        `(${tally.acceptedEmpty} of them empty), ` +
        `${refused.length} accepted by the loader but refused by validation; ${tally.verified.size} distinct cache states re-validated`,
    );
    const examples = new Map(refused.map((r) => [r.label, r]));
    for (const r of [...examples.values()].slice(0, 8)) console.log(`        [${r.groups.join(',')}] ${r.label}\n          → ${r.issue}`);
    assert.ok(tally.loaderRefused > tally.steps / 2, 'most edits are bad ones');
    assert.ok(tally.published > 0, 'some edits are good ones, so publishing is exercised too');
  });
});

type Verdict = 'loader' | 'validation' | 'good';

/** Who stops an edit of the demo: the loader, Envoy-level validation for both flavors, or nobody. */
function verdictOf(edit: ConfigEdit): Verdict {
  const result = parseConfigText(edit.text, FILE);
  if (!result.ok) return 'loader';
  const snapshot = buildMeshModel(result.config, NO_DECISIONS, 0);
  return [...expectedIssues(snapshot).values()].every((issues) => issues.length > 0) ? 'validation' : 'good';
}

/** `count` bad edits: up to five that only Envoy-level validation catches, the rest refused by the loader. */
function badEdits(count: number): ConfigEdit[] {
  const validationOnly: ConfigEdit[] = [];
  const loaderRefused: ConfigEdit[] = [];
  for (const edit of fc.sample(configEdit, { seed: SEED + 1, numRuns: 5000 })) {
    const verdict = verdictOf(edit);
    if (verdict === 'validation' && validationOnly.length < 5) validationOnly.push(edit);
    else if (verdict === 'loader') loaderRefused.push(edit);
  }
  const out = [...validationOnly, ...loaderRefused].slice(0, count);
  if (out.length === count) return out;
  throw new Error(`only ${out.length} bad edits in the sample`);
}

/** Subscribes to all four types (EDS and RDS by the names the earlier responses lead to) and ACKs each. */
async function subscribeAll(client: RawXdsClient, node: TestNode, routeNames: () => string[]): Promise<SotwStream> {
  const s = client.sotw();
  const request = async (typeUrl: TypeUrl, names: string[] = [], first = false) => {
    s.send({ ...(first ? { node: nodeMessage(node) } : {}), type_url: typeUrl, resource_names: names });
    const res = await s.next(5000);
    assert.equal(res.type_url, typeUrl);
    s.ack(res, names);
    return res;
  };
  const cds = await request(TYPE_URL.cluster, [], true);
  await request(TYPE_URL.endpoint, cds.resources.map((r) => r.name));
  await request(TYPE_URL.listener);
  await request(TYPE_URL.route, routeNames());
  return s;
}

/** Resolves after the running Prescient's config watcher has reported one more reload. */
async function nextReload(h: PrescientHarness, previous: unknown, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (h.prescient.configState.status().lastReload === previous) {
    if (Date.now() > deadline) throw new Error(`no config reload within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('e2e: a running Prescient under a stream of bad config edits', function () {
  this.timeout(60_000);
  let h: PrescientHarness;
  let client: RawXdsClient;

  before(async () => {
    h = await PrescientHarness.start(DEMO_YAML);
    client = new RawXdsClient(`127.0.0.1:${h.xdsPort}`);
  });

  after(async () => {
    client?.close();
    await h?.stop();
  });

  it('keeps serving through 50 bad edits in a row and sends connected clients nothing for them', async () => {
    const routes = (group: string) => () => [...h.prescient.cache.view(group)!.resources(TYPE_URL.route).keys()];
    const envoy = await subscribeAll(client, { id: 'sidecar-1', user_agent_name: 'envoy' }, routes('envoy'));
    const grpc = await subscribeAll(client, { id: 'app-1', user_agent_name: 'grpc-node-js' }, routes('grpc'));
    await Promise.all([envoy.expectNone(200), grpc.expectNone(200)]);
    const served = cacheFingerprint(h.prescient.cache);

    const edits = badEdits(50);
    for (const edit of edits) {
      const previous = h.prescient.configState.status().lastReload;
      await h.writeConfig(edit.text);
      await nextReload(h, previous);
      await h.prescient.settled();
    }
    await Promise.all([envoy.expectNone(300), grpc.expectNone(300)]);
    assert.deepEqual(cacheFingerprint(h.prescient.cache), served, 'the served bytes are those of the last good config');

    assert.equal((await h.admin('/healthz')).status, 200);
    const debug = await h.adminJson('/debug/config');
    assert.equal(debug.lastReloadError.ok, false, 'the last refusal is on /debug/config');
    assert.ok(debug.lastReloadError.errors.length > 0);

    // Still serving: a good edit reaches both clients.
    await h.writeConfig(DEMO_YAML.replace('connectTimeout: 1s', 'connectTimeout: 2s'));
    for (const s of [envoy, grpc]) {
      const res = await s.next(5000);
      assert.equal(res.type_url, TYPE_URL.cluster);
      const greeter = res.resources.find((r) => r.name === 'greeter');
      assert.equal(greeter?.message.connect_timeout?.seconds, 2);
    }
  });
});
