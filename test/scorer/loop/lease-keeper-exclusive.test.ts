import assert from 'node:assert/strict';
import { LeaseKeeper } from '../../../scorer/loop/lease-keeper.ts';
import { silentScorerLogger } from '../../../scorer/loop/logger.ts';
import { MemoryScoreStore } from '../../../scorer/store/memory-score-store.ts';

describe('LeaseKeeper after a stall of the event loop', () => {
  for (const exclusive of [true, false]) {
    it(exclusive ? 'keeps the lease of an exclusive in-process store (never reports it lost)' : 'steps down on a shared store (another replica may have taken over)', async () => {
      let now = 1_000;
      const changes: boolean[] = [];
      const store = new MemoryScoreStore({ now: () => now, exclusive });
      const keeper = new LeaseKeeper({ store, holder: 'me', leaseTtlMs: 5_000, now: () => now, logger: silentScorerLogger, onChange: (l) => changes.push(l) });
      await keeper.step(true);
      assert.ok(keeper.current());
      now += 30_000; // a 30 s reload blocked every timer
      assert.equal(Boolean(keeper.current()), exclusive);
      await keeper.step(true);
      assert.equal(Boolean(keeper.current()), true, 'leads again after the next step either way');
      assert.deepEqual(changes, exclusive ? [true] : [true, false, true]);
    });
  }
});
