/**
 * Backlash (opt-in, `damping.reversalDelay`): an endpoint whose share would move against its last
 * move holds its share until the target has stayed on that side for the delay. Where load reports
 * are sparse (a few requests in flight per endpoint), request-path latency is noisy enough to
 * carry the target back and forth across the share every few seconds, and the weights follow
 * the noise; a real change persists and gets through after the delay. It costs that delay on
 * every genuine reversal, so it is off by default (bench:policies: 6 s made the default suite's
 * worst seeds markedly worse near saturation); endpoints taken out by a threshold bypass it.
 */

/** Per endpoint: its last non-zero move, and for how many intervals in a row it was held against it. */
export interface ShareMemory {
  readonly move: ReadonlyMap<string, number>;
  readonly against: ReadonlyMap<string, number>;
}

export interface Held {
  readonly held: Set<string>;
  readonly approached: Map<string, number>;
  readonly against: Map<string, number>;
}

/**
 * Adds to `holding` every endpoint that would move against its last move and has not been held
 * against it for `intervals` intervals yet. Holding one rescales the others (`approachWith`), which
 * may turn them back too: repeated until no such endpoint is left (at most keys.length rounds).
 */
export function holdReversals(
  keys: readonly string[],
  previous: ReadonlyMap<string, number>,
  holding: ReadonlySet<string>,
  memory: ShareMemory | undefined,
  intervals: number,
  approachWith: (held: ReadonlySet<string>) => Map<string, number>,
): Held {
  const held = new Set(holding);
  const against = new Map<string, number>();
  let approached = approachWith(held);
  if (!memory || intervals <= 1) return { held, approached, against };
  for (let round = 0; round < keys.length; round++) {
    let added = false;
    for (const k of keys) {
      if (held.has(k)) continue;
      const p = previous.get(k)!;
      if ((approached.get(k)! - p) * (memory.move.get(k) ?? 0) >= 0) continue;
      const streak = (memory.against.get(k) ?? 0) + 1;
      if (streak >= intervals) continue;
      against.set(k, streak);
      held.add(k);
      added = true;
    }
    if (!added) break;
    approached = approachWith(held);
  }
  return { held, approached, against };
}

/** What the next interval compares with: each endpoint's last non-zero move, and its streaks. */
export function nextMemory(
  previous: ReadonlyMap<string, number>,
  shares: ReadonlyMap<string, number>,
  moved: boolean,
  memory: ShareMemory | undefined,
  against: ReadonlyMap<string, number>,
): ShareMemory | undefined {
  if (!moved) return memory && { move: memory.move, against };
  const move = new Map<string, number>();
  for (const [k, v] of shares) {
    const d = v - previous.get(k)!;
    move.set(k, Math.abs(d) > 1e-9 ? d : (memory?.move.get(k) ?? 0));
  }
  return { move, against };
}
