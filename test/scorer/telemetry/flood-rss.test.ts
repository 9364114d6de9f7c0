import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../support/flood-rss-child.ts');

/** Bounds stated in docs/security.md: what a flood may cost and what a sweep gives back. */
const MAX_JUNK_GROWTH_MB = 64;

describe('telemetry flood memory (RSS, in a child process)', () => {
  it('twenty POSTs of 10,000 made-up endpoints are refused within a bounded RSS, and a sweep returns real series memory', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD], {
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072' },
      encoding: 'utf8',
    });
    const m = JSON.parse(out.trim().split('\n').pop()!) as { baseline: number; afterJunk: number; afterReal: number; afterSweep: number; junkStatuses: number[]; ringBytesAfterSweep: number };
    assert.deepEqual(m.junkStatuses, [422]);
    assert.ok(m.afterJunk - m.baseline < MAX_JUNK_GROWTH_MB, `made-up endpoints grew RSS by ${m.afterJunk - m.baseline} MB: ${out}`);
    const grown = m.afterReal - m.afterJunk;
    assert.ok(grown > 50, `the real series should take memory to return: ${out}`);
    assert.equal(m.ringBytesAfterSweep, 0);
    assert.ok(m.afterSweep - m.afterJunk < grown * 0.3, `a sweep should return most of it: ${out}`);
  });
});
