import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seriesFolds } from '../../../../scorer/eval/leave-series-out.ts';
import { loadSeriesFolder } from '../../../../scorer/train/series.ts';
import { runsFor, writeSimSeries } from '../../../../sandbox/sim/series/gen-sim-series.ts';
import { foldGroupedNames, type EndpointSeries } from '../../../../sandbox/sim/series/sim-series.ts';
import type { Scenario } from '../../../../sandbox/sim/scenario/scenario.ts';

/** 10 s, three replicas, one 200 ms slower from 3 s: small enough to run twice in well under 3 s. */
const SHORT: Scenario = {
  name: 'short',
  durationS: 10,
  endpoints: [{}, {}, {}],
  load: { kind: 'constant', rps: 300 },
  faults: [{ kind: 'slowdown', endpoints: [2], atS: 3, extraMs: 200 }],
};

describe('simulator series for the forecaster (gen:sim-series)', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function generate(): Promise<{ dir: string; files: string[] }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'sim-series-'));
    dirs.push(dir);
    // One fold: two runs cannot fill five folds (the grouping is tested below).
    const { files } = await writeSimSeries(runsFor([SHORT], '1:7,0.5:8'), dir, undefined, 1);
    return { dir, files };
  }

  it('is deterministic and writes 1-s request-latency series that loadSeriesFolder reads', async () => {
    const a = await generate();
    const b = await generate();
    assert.deepEqual(a.files, b.files);
    assert.equal(a.files.length, 6, 'three endpoints × two runs');
    for (const f of a.files) assert.equal(await readFile(path.join(a.dir, f), 'utf8'), await readFile(path.join(b.dir, f), 'utf8'), f);
    assert.deepEqual((await readdir(a.dir)).sort(), [...a.files].sort());

    const series = await loadSeriesFolder(a.dir);
    assert.equal(series.length, 6);
    for (const s of series) {
      assert.equal(s.stepSeconds, 1, s.name);
      // Ticks at 1..9 s read buckets 0..8.
      assert.ok(s.values.length >= 8 && s.values.length <= 9, `${s.name}: ${s.values.length} values`);
      assert.ok(s.values.every((v) => Number.isFinite(v) && v > 0), s.name);
    }
    // The slowed replica's request-path latency is what the store holds: well above the others after the fault (a Little's-law estimate, noisy per second).
    const slow = series.find((s) => s.name.endsWith('-x1.0-s7-ep2'))!;
    const fast = series.find((s) => s.name.endsWith('-x1.0-s7-ep0'))!;
    const after = (s: { values: Float64Array }) => s.values.slice(5).reduce((a, b) => a + b, 0) / (s.values.length - 5);
    assert.ok(after(slow) > after(fast) + 80, `mean from 5 s: slow ${after(slow)} vs ${after(fast)}`);
  });

  it('names series so that every run lands in one leave-series-out fold', () => {
    const run = (label: string, n: number): EndpointSeries[] => Array.from({ length: n }, (_, i) => ({ name: `${label}-ep${i}`, firstMs: 0, values: [1] }));
    const check = (sizes: number[]) => {
      const labels = sizes.map((_, i) => String.fromCharCode(97 + i));
      const { named, dropped } = foldGroupedNames(sizes.map((n, i) => run(labels[i]!, n)), 5);
      assert.equal(named.length + dropped.length, sizes.reduce((a, b) => a + b, 0));
      // 15 other series sorting first (data/traces) keep the grouping: 15 ≡ 0 (mod 5).
      const others = Array.from({ length: 15 }, (_, i) => `ec2_${String(i).padStart(2, '0')}`);
      const folds = seriesFolds([...others, ...named.map((n) => n.file)], 5);
      const foldOf = new Map(folds.flatMap((f) => f.test.map((name) => [name, f.index] as const)));
      for (const label of labels) {
        const of = new Set(named.filter((n) => n.series.name.startsWith(`${label}-`)).map((n) => foldOf.get(n.file)));
        assert.ok(of.size <= 1, `run ${label} spans folds ${[...of].join(', ')}`);
      }
      return dropped;
    };
    // The default suite's runs (3 replicas, 6 in the zone scenario, 4 with the cold replica) fit exactly.
    assert.deepEqual(check([3, 3, 3, 3, 3, 6, 3, 3, 4]), []);
    assert.deepEqual(check([3, 3, 3, 3, 3, 6, 3, 3, 4, 3, 3, 3, 3, 3, 6, 3, 3, 4]), []);
    // Sizes that cannot be balanced give up a few series rather than split a run.
    assert.ok(check([3, 6, 3, 4, 3, 3, 3]).length > 0);
  });
});
