import { MemoryLeaseStore } from '../../../scorer/store/memory-lease-store.ts';
import { leaseStoreContract } from './lease-store-contract.ts';

describe('MemoryLeaseStore', () => {
  let now = 0;
  leaseStoreContract({
    stores: async () => {
      const s = new MemoryLeaseStore(() => now);
      return [s, s];
    },
    ttlMs: 1000,
    elapse: async (ms) => {
      now += ms;
    },
  });
});
