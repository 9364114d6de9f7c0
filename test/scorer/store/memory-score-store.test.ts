import { MemoryScoreStore } from '../../../scorer/store/memory-score-store.ts';
import { scoreStoreContract } from './score-store-contract.ts';

describe('MemoryScoreStore', () => {
  let now = 0;
  scoreStoreContract({
    store: async () => new MemoryScoreStore({ now: () => now }),
    elapse: async (ms) => {
      now += ms;
    },
  });
});
