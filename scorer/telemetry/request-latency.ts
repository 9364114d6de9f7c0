/**
 * Request-path latency from load reports, by Little's law: an endpoint with L requests in flight
 * that completes λ requests per second keeps each one W = L / λ on average. LRS carries both
 * (in-progress requests at report time, completed requests over the interval), from Envoy and
 * proxyless gRPC alike, so this needs nothing from the backends — and unlike probes, which a slow
 * request path does not slow down, it sees what requests see.
 *
 * One in-flight count at a few requests per second is mostly 0 or 1, which would read "instant"
 * or "very slow". The estimate is therefore shrunk towards the cluster's typical value W₀ (Little's
 * law over all its endpoints together, ΣL / Σλ, far steadier than any one endpoint's) with `PSEUDO_IN_FLIGHT` requests of prior evidence, a
 * gamma–Poisson posterior mean: W = (L + a) / (λ + a / W₀). With much traffic it tends to L / λ;
 * with little it stays near W₀, so an endpoint held at the minimum share is neither condemned nor
 * favoured on one sample.
 */

/** Prior evidence, in requests in flight. */
export const PSEUDO_IN_FLIGHT = 0.5;

/** Raw L / λ in ms; undefined without completed requests. */
export function littleLatencyMs(inFlight: number, rps: number): number | undefined {
  return rps > 0 && inFlight >= 0 ? (1000 * inFlight) / rps : undefined;
}

/** The shrunk estimate in ms; undefined without a typical value to shrink towards. */
export function requestLatencyMs(inFlight: number, rps: number, typicalMs: number | undefined, pseudo = PSEUDO_IN_FLIGHT): number | undefined {
  if (typicalMs === undefined || !(typicalMs > 0) || !(inFlight >= 0) || !(rps >= 0)) return undefined;
  return (inFlight + pseudo) / (rps / 1000 + pseudo / typicalMs);
}
