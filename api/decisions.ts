/**
 * Decide-stage outputs: plain data the scorer (and later mirror/scaffold) produce and the translate
 * stage renders. No Envoy shapes here.
 */

/**
 * Weights the scorer computed for one service's endpoints, keyed by `endpointKey` ("address:port").
 * Weights are positive integers (Envoy's `load_balancing_weight` is a uint32 ≥ 1); an endpoint the
 * scorer filtered out entirely is absent from the map. Endpoints missing from the map keep their
 * static weight.
 */
export interface ServiceWeights {
  readonly service: string;
  readonly weights: ReadonlyMap<string, number>;
  /** Version of the model that produced these weights (for CSDS/debug and Redis). */
  readonly modelVersion?: string;
  /** Unix ms when computed. */
  readonly computedAt: number;
}

export interface Decisions {
  /** Keyed by service name. */
  readonly weights: ReadonlyMap<string, ServiceWeights>;
}

export const NO_DECISIONS: Decisions = { weights: new Map() };

/** The final weight of one endpoint after overrides, as rendered into EDS. */
export interface EffectiveEndpoint {
  readonly address: string;
  readonly port: number;
  /** ≥ 1 when serving; ignored when `draining`. */
  readonly weight: number;
  readonly draining: boolean;
}
