/**
 * How much one telemetry source may weigh against the others (docs/security.md: a single source
 * cannot swing a service). A source is an authenticated identity, not a node id: one identity may
 * run many nodes and claim any node id, so grouping by node would let it multiply its say.
 */

/** Default most one source may weigh while others report on the same endpoint. */
export const DEFAULT_MAX_SOURCE_SHARE = 1 / 3;

/**
 * Caps each weight so that, against the sum of the others, it is at most `maxShare` of the whole:
 * w'ᵢ = min(wᵢ, k · Σ_{j≠i} wⱼ) with k = maxShare / (1 − maxShare). Each cap uses the others'
 * uncapped weights, so honest sources never lose weight to an attacker's size. With one source
 * (nothing to weigh it against) or `maxShare` ≥ 1 the weights are returned unchanged.
 *
 * Example, maxShare 1/3: honest sources of 100 and 200 requests and one claiming 10⁶ → the claim
 * counts as 150, a third of 450.
 */
export function capInfluence(weights: readonly number[], maxShare: number): number[] {
  const live = weights.filter((w) => w > 0).length;
  if (live < 2 || !(maxShare < 1)) return [...weights];
  const k = maxShare / (1 - maxShare);
  const total = weights.reduce((a, w) => a + w, 0);
  return weights.map((w) => Math.min(w, k * (total - w)));
}
