/**
 * Picks one endpoint of a service for the smart endpoint API. Candidates are the serving
 * endpoints of the mesh model (scorer weights with WeightOverrides and decisions applied;
 * drained ones excluded; only the most preferred priority that has any), narrowed to the client's network when any candidate is in it. The draw is random
 * with probability ∝ weight^(1 + confidence): with no forecast confidence it follows the weights
 * exactly (the exploration they already contain included); the more confident the forecast, the
 * more the draw favours the best endpoints.
 */
import { servingEndpoints, type MeshModel, type ModelEndpoint } from '../../api/mesh-model.ts';
import type { Rng } from '../score/types.ts';
import { SelectError } from './select-error.ts';

export interface EndpointSelectorOptions {
  /** The live mesh model (the root's). */
  readonly model: () => MeshModel;
  /** Mean forecast confidence of a service, 0..1 (ScorerLoop.confidence); omitted = 0. */
  readonly confidence?: (service: string) => number | undefined;
  readonly rng?: Rng;
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

function networkOf(e: ModelEndpoint): string | undefined {
  for (const k of NETWORK_KEYS) if (e.metadata?.[k]) return e.metadata[k];
  return undefined;
}

export class EndpointSelector {
  private readonly rng: Rng;

  constructor(private readonly o: EndpointSelectorOptions) {
    this.rng = o.rng ?? Math.random;
  }

  select(service: string, clientNetwork = ''): SelectedEndpoint {
    if (!service) throw new SelectError('SELECT_INVALID_ARGUMENT', 'name the service to select an endpoint of');
    const model = this.o.model();
    const cluster = model.config.services.has(service) ? model.clusters.get(service) : undefined;
    if (!cluster) throw new SelectError('SELECT_NOT_FOUND', `no Service named "${service}" is configured`);
    const all = servingEndpoints(cluster);
    if (all.length === 0) throw new SelectError('SELECT_UNAVAILABLE', `every endpoint of "${service}" is drained; try again later`);
    const preferred = Math.min(...all.map((e) => e.priority));
    const serving = all.filter((e) => e.priority === preferred);
    const local = clientNetwork ? serving.filter((e) => networkOf(e) === clientNetwork) : [];
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
      dnsName: e.hostname ?? '',
      weight: e.weight,
      totalWeight: candidates.reduce((a, c) => a + c.weight, 0),
      modelVersion: cluster.modelVersion ?? '',
    };
  }
}
