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
import { translate, type ClientFlavor, type Snapshot } from '../../xds-server/translate/index.ts';
import { formatIssue, validateResources } from '../../xds-server/validate/index.ts';
import { cacheFingerprint, decodedSet, namesByType } from '../support/cache-contents.ts';
import { configEdit, DEMO_YAML, type ConfigEdit } from '../support/config-mutations.ts';
import { PrescientHarness } from '../support/prescient-harness.ts';
import { nodeMessage, RawXdsClient, type SotwStream, type TestNode } from '../support/raw-ads-client.ts';

const RUNS = 1000;
const SEED = 0x5eed_bad;
const FILE = 'mesh.yaml';
const GROUPS: ReadonlyMap<string, ClientFlavor> = new Map([
  ['envoy', 'envoy'],
  ['grpc', 'grpc'],
]);

/** The pipeline of one Prescient without its transport, serving the demo mesh. */
class Pipeline {
  readonly cache = new ResourceCache();
  readonly state = new ConfigState([FILE]);
  readonly publisher = new Publisher(this.cache, silentLogger);
  private clock = 0;

  constructor(initial: MeshConfig) {
    this.state.accept(initial, 0, this.clock);
    const { refused } = this.publisher.publishAll(GROUPS, this.snapshot());
    assert.equal(refused, 0, 'the demo mesh itself must publish');
  }

  snapshot(): Snapshot {
    return { config: this.state.config, decisions: NO_DECISIONS, now: this.clock };
  }

  tick(): number {
    return (this.clock += 1000);
  }
}

/** Issues of a group's rendering, by the same translate + validate the publisher runs. */
function expectedIssues(snapshot: Snapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [group, flavor] of GROUPS) out.set(group, validateResources(translate(snapshot, flavor)).map(formatIssue));
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
  published: number;
  /** Accepted by the loader, refused by Envoy-level validation for at least one flavor. */
  validationRefused: { label: string; groups: string[]; issue: string }[];
}

/** Applies one edit and checks every property; returns what happened. */
function step(p: Pipeline, edit: ConfigEdit, tally: Tally): void {
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
    const snapshot = p.snapshot();
    const outcome = p.publisher.publishAll(GROUPS, snapshot);
    const expected = expectedIssues(snapshot);
    const refusedGroups = [...expected].filter(([, issues]) => issues.length > 0).map(([g]) => g);
    assert.equal(outcome.refused, refusedGroups.length);
    const after = cacheFingerprint(p.cache);
    for (const [group, flavor] of GROUPS) {
      if (refusedGroups.includes(group)) assert.equal(after.get(group), before.get(group), `${group}: a set failing validation must not be published`);
      else assert.deepEqual(namesByType(p.cache.view(group)!), namesByType(translate(snapshot, flavor)), `${group}: a valid set is published whole`);
    }
    if (refusedGroups.length > 0) {
      const failure = p.publisher.status().lastFailure;
      assert.ok(failure && refusedGroups.includes(failure.group), 'the refusal is reported on /debug/config');
      tally.validationRefused.push({ label: edit.label, groups: refusedGroups, issue: expected.get(refusedGroups[0]!)![0]! });
    } else tally.published++;
  }

  // Whatever happened, what the cache serves passes validation when read back from its bytes.
  for (const group of p.cache.groups()) {
    const issues = validateResources(decodedSet(p.cache.view(group)!)).map(formatIssue);
    assert.deepEqual(issues, [], `${group} serves resources that fail validation`);
  }
}

describe('e2e: bad input never reaches a proxy', function () {
  this.timeout(60_000);

  it(`keeps invalid resources out of the cache over ${RUNS} runs of random config edits`, () => {
    const initial = demoConfig();
    const tally: Tally = { steps: 0, loaderRefused: 0, published: 0, validationRefused: [] };
    fc.assert(
      fc.property(fc.array(configEdit, { minLength: 1, maxLength: 3 }), (edits) => {
        const p = new Pipeline(initial);
        for (const edit of edits) step(p, edit, tally);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const refused = tally.validationRefused;
    console.log(
      `      ${RUNS} runs, ${tally.steps} edits: ${tally.loaderRefused} refused by the loader, ${tally.published} published, ` +
        `${refused.length} accepted by the loader but refused by validation`,
    );
    for (const r of refused.slice(0, 8)) console.log(`        [${r.groups.join(',')}] ${r.label}\n          → ${r.issue}`);
    assert.ok(tally.loaderRefused > tally.steps / 2, 'most edits are bad ones');
    assert.ok(tally.published > 0, 'some edits are good ones, so publishing is exercised too');
  });
});
