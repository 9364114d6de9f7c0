/** Counting where RPCs went, shared by every kind of test client (proxyless gRPC, through Envoy). */
import type * as grpc from '@grpc/grpc-js';

/** One call's outcome: the id of the backend that answered, or the error (gRPC or HTTP status code). */
export interface CallResult {
  backend?: string;
  code?: grpc.status | number;
  details?: string;
}

/** Anything that can send one echo RPC. */
export interface EchoCaller {
  call(deadlineMs?: number): Promise<CallResult>;
}

/** The key a result is counted under: the backend id, or `error:<code>`. */
export function tallyKey(r: CallResult): string {
  return r.backend ?? `error:${r.code}`;
}

/** `n` calls with at most `concurrency` in flight; counts answers per backend id. */
export async function spreadCalls(caller: EchoCaller, n: number, concurrency = 20): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let issued = 0;
  const worker = async () => {
    while (issued < n) {
      issued++;
      const key = tallyKey(await caller.call());
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return counts;
}

/** Share of `counts` under `id`. */
export function shareOf(counts: Map<string, number>, id: string): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return total ? (counts.get(id) ?? 0) / total : 0;
}

export function errorsIn(counts: Map<string, number>): [string, number][] {
  return [...counts].filter(([k]) => k.startsWith('error'));
}
