/**
 * Picks one endpoint of a service for the smart endpoint API. Candidates are the effective
 * endpoints (scorer weights with WeightOverrides applied by scorer/overrides.ts; drained ones
 * excluded), narrowed to the client's network when any candidate is in it. The draw is random
 * with probability ∝ weight^(1 + confidence): with no forecast confidence it follows the weights
 * exactly (the exploration they already contain included); the more confident the forecast, the
 * more the draw favours the best endpoints.
 */
import { endpointKey, type EndpointSpec, type MeshConfig } from '../../api/config.ts';
import type { Decisions } from '../../api/decisions.ts';
import { effectiveEndpoints } from '../overrides.ts';
import type { Rng } from '../score/types.ts';
import { SelectError } from './select-error.ts';

export interface SelectionState {
  readonly config: MeshConfig;
  readonly decisions: Decisions;
}

export interface EndpointSelectorOptions {
  /** The live config and decisions (e.g. from the lead's pipeline or ScorerLoop.current()). */
  readonly state: () => SelectionState;
  /** Mean forecast confidence of a service, 0..1 (ScorerLoop.confidence); omitted = 0. */
  readonly confidence?: (service: string) => number | undefined;
  readonly rng?: Rng;
  readonly now?: () => number;
}

export interface SelectedEndpoint {
  readonly address: string;
  readonly port: number;
  /** The endpoint's configured hostname, or "" when none. */
  readonly dnsName: string;
  readonly weight: number;
  readonly totalWeight: number;
  readonly modelVersion: string;
}

const NETWORK_KEYS = ['network', 'topology.istio.io/network'];

function networkOf(e: EndpointSpec): string | undefined {
  for (const k of NETWORK_KEYS) if (e.metadata?.[k]) return e.metadata[k];
  return undefined;
}

export class EndpointSelector {
  private readonly rng: Rng;
  private readonly now: () => number;

  constructor(private readonly o: EndpointSelectorOptions) {
    this.rng = o.rng ?? Math.random;
    this.now = o.now ?? Date.now;
  }

  select(service: string, clientNetwork = ''): SelectedEndpoint {
    if (!service) throw new SelectError('SELECT_INVALID_ARGUMENT', 'name the service to select an endpoint of');
    const { config, decisions } = this.o.state();
    const doc = config.services.get(service);
    if (!doc) throw new SelectError('SELECT_NOT_FOUND', `no Service named "${service}" is configured`);
    const specs = new Map(doc.spec.endpoints.map((e) => [endpointKey(e), e]));
    const serving = effectiveEndpoints(config, doc, decisions, this.now()).filter((e) => !e.draining);
    if (serving.length === 0) throw new SelectError('SELECT_UNAVAILABLE', `every endpoint of "${service}" is drained; try again later`);
    const local = clientNetwork ? serving.filter((e) => networkOf(specs.get(endpointKey(e))!) === clientNetwork) : [];
    const candidates = local.length > 0 ? local : serving;

    const exponent = 1 + Math.min(1, Math.max(0, this.o.confidence?.(service) ?? 0));
    const mass = candidates.map((e) => e.weight ** exponent);
    let draw = this.rng() * mass.reduce((a, b) => a + b, 0);
    let chosen = candidates.length - 1;
    for (let i = 0; i < candidates.length; i++) {
      draw -= mass[i]!;
      if (draw < 0) {
        chosen = i;
        break;
      }
    }
    const e = candidates[chosen]!;
    return {
      address: e.address,
      port: e.port,
      dnsName: specs.get(endpointKey(e))!.hostname ?? '',
      weight: e.weight,
      totalWeight: candidates.reduce((a, c) => a + c.weight, 0),
      modelVersion: decisions.weights.get(service)?.modelVersion ?? '',
    };
  }
}
