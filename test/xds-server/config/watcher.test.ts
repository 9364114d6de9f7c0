import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ConfigLoadResult } from '../../../xds-server/config/loader.ts';
import { watchConfig, type ConfigWatcher } from '../../../xds-server/config/watcher.ts';
import { serviceDoc, yamlOf } from './builders.ts';
import { makeTempDir } from './temp-dir.ts';

/** Collects results and lets a test wait for the next one matching a predicate. */
function resultQueue() {
  const results: ConfigLoadResult[] = [];
  let wake: (() => void) | undefined;
  return {
    results,
    push(r: ConfigLoadResult) {
      results.push(r);
      wake?.();
    },
    async next(match: (r: ConfigLoadResult) => boolean, timeoutMs = 5000): Promise<ConfigLoadResult> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = results.find(match);
        if (hit) return hit;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching reload within ${timeoutMs} ms (${results.length} results)`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 50));
        });
      }
    },
  };
}

function endpointCount(r: ConfigLoadResult): number | undefined {
  return r.ok ? r.config.services.get('greeter')?.spec.endpoints.length : undefined;
}

function withEndpoints(n: number): string {
  return yamlOf(serviceDoc('greeter', { endpoints: Array.from({ length: n }, (_, i) => ({ address: '127.0.0.1', port: 50051 + i })) }));
}

describe('config watcher', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let watcher: ConfigWatcher | undefined;
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await tmp.remove();
  });

  it('reloads when a watched file is edited in place', async () => {
    const file = path.join(tmp.dir, 'mesh.yaml');
    await fs.writeFile(file, withEndpoints(1));
    const q = resultQueue();
    watcher = watchConfig([file], q.push, { debounceMs: 20 });
    await fs.writeFile(file, withEndpoints(2));
    await q.next((r) => endpointCount(r) === 2);
  });

  it('keeps watching after an editor replaces the file by rename', async () => {
    const file = path.join(tmp.dir, 'mesh.yaml');
    await fs.writeFile(file, withEndpoints(1));
    const q = resultQueue();
    watcher = watchConfig([file], q.push, { debounceMs: 20 });
    for (const n of [2, 3]) {
      const temp = path.join(tmp.dir, `.mesh.yaml.${n}.swp`);
      await fs.writeFile(temp, withEndpoints(n));
      await fs.rename(temp, file);
      await q.next((r) => endpointCount(r) === n);
    }
  });

  it('reports a bad edit as a failed reload, then the fix', async () => {
    const file = path.join(tmp.dir, 'mesh.yaml');
    await fs.writeFile(file, withEndpoints(1));
    const q = resultQueue();
    watcher = watchConfig([file], q.push, { debounceMs: 20 });
    await fs.writeFile(file, 'kind: [');
    const bad = await q.next((r) => !r.ok);
    assert.ok(!bad.ok && bad.errors[0].code === 'PRESCIENT_CONFIG_YAML');
    await fs.writeFile(file, withEndpoints(4));
    await q.next((r) => endpointCount(r) === 4);
  });

  it('sees files added to a watched directory, and ignores unrelated files next to a watched file', async () => {
    const q = resultQueue();
    watcher = watchConfig([tmp.dir], q.push, { debounceMs: 20 });
    await fs.writeFile(path.join(tmp.dir, 'new.yaml'), withEndpoints(2));
    await q.next((r) => endpointCount(r) === 2);
    watcher.close();

    const file = path.join(tmp.dir, 'new.yaml');
    const q2 = resultQueue();
    watcher = watchConfig([file], q2.push, { debounceMs: 20 });
    await fs.writeFile(path.join(tmp.dir, 'unrelated.txt'), 'x');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(q2.results.length, 0);
  });

  it('debounces a burst of writes into few reloads, the last one current', async () => {
    const file = path.join(tmp.dir, 'mesh.yaml');
    await fs.writeFile(file, withEndpoints(1));
    const q = resultQueue();
    watcher = watchConfig([file], q.push, { debounceMs: 150 });
    for (let n = 2; n <= 6; n++) await fs.writeFile(file, withEndpoints(n));
    await q.next((r) => endpointCount(r) === 6);
    assert.ok(q.results.length < 5, `${q.results.length} reloads for 5 writes`);
    assert.equal(endpointCount(q.results[q.results.length - 1]), 6);
  });

  it('reports nothing after close()', async () => {
    const file = path.join(tmp.dir, 'mesh.yaml');
    await fs.writeFile(file, withEndpoints(1));
    const q = resultQueue();
    watcher = watchConfig([file], q.push, { debounceMs: 20 });
    watcher.close();
    await fs.writeFile(file, withEndpoints(2));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(q.results.length, 0);
  });
});
