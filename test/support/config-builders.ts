/**
 * Builders for MeshConfig fixtures: documents with sensible defaults, origins numbered in the
 * order they are built (as if written one after another in `mesh.yaml`), and a config assembled
 * the way the loader does it (maps keyed by metadata.name).
 */
import {
  API_VERSION,
  type AnyDocument,
  type Document,
  type EndpointSpec,
  type Kind,
  type MeshConfig,
  type RouteDocument,
  type RouteRule,
  type RouteSpec,
  type ScoringPolicyDocument,
  type ScoringPolicySpec,
  type ServiceDocument,
  type ServiceSpec,
  type WeightOverrideDocument,
  type WeightOverrideSpec,
} from '../../api/config.ts';
import { NO_DECISIONS, SCORER_SLICE, type Decisions } from '../../api/decisions.ts';
import { buildMeshModel } from '../../xds-server/model/build-mesh-model.ts';
import { translate, type ClientFlavor, type RenderedSet } from '../../xds-server/translate/index.ts';

export const FIXTURE_FILE = 'mesh.yaml';

/** Hands out document indexes in build order; start a fresh one per test for stable origins. */
export class DocumentCounter {
  private next = 0;
  constructor(readonly file: string = FIXTURE_FILE) {}
  take(): { file: string; documentIndex: number } {
    return { file: this.file, documentIndex: this.next++ };
  }
}

let shared = new DocumentCounter();

/** Restarts document numbering (call in `beforeEach`). */
export function resetDocumentCounter(file: string = FIXTURE_FILE): void {
  shared = new DocumentCounter(file);
}

function document<K extends Kind, S>(kind: K, name: string, spec: S): Document<K, S> {
  return { apiVersion: API_VERSION, kind, metadata: { name }, spec, origin: shared.take() };
}

export function endpoint(address: string, port: number, extra: Partial<EndpointSpec> = {}): EndpointSpec {
  return { address, port, ...extra };
}

export function service(name: string, spec: Partial<ServiceSpec> = {}): ServiceDocument {
  return document('Service', name, { protocol: 'grpc', endpoints: [endpoint('10.0.0.1', 8080)], ...spec });
}

/** A rule sending everything to `backends` ("svc" or ["svc", weight] pairs). */
export function rule(backends: Array<string | [string, number]>, extra: Partial<RouteRule> = {}): RouteRule {
  return {
    backends: backends.map((b) => (typeof b === 'string' ? { service: b, weight: 1 } : { service: b[0], weight: b[1] })),
    ...extra,
  };
}

export function route(name: string, spec: Partial<RouteSpec> & Pick<RouteSpec, 'rules'>): RouteDocument {
  return document('Route', name, { hosts: [name], ...spec });
}

export function weightOverride(name: string, spec: WeightOverrideSpec): WeightOverrideDocument {
  return document('WeightOverride', name, spec);
}

export function scoringPolicy(name: string, spec: ScoringPolicySpec): ScoringPolicyDocument {
  return document('ScoringPolicy', name, spec);
}

export function meshConfig(...docs: AnyDocument[]): MeshConfig {
  const byKind = <D extends AnyDocument>(kind: D['kind']) =>
    new Map(docs.filter((d): d is D => d.kind === kind).map((d) => [d.metadata.name, d]));
  return {
    services: byKind<ServiceDocument>('Service'),
    routes: byKind<RouteDocument>('Route'),
    weightOverrides: docs.filter((d): d is WeightOverrideDocument => d.kind === 'WeightOverride'),
    scoringPolicies: byKind<ScoringPolicyDocument>('ScoringPolicy'),
  };
}

/** Scorer decisions: service → endpoint key ("address:port") → weight. */
export function decisions(weights: Record<string, Record<string, number>> = {}, computedAt = 0): Decisions {
  const slice = {
    weights: new Map(
      Object.entries(weights).map(([service, w]) => [service, { service, weights: new Map(Object.entries(w)), computedAt }]),
    ),
  };
  return new Map([[SCORER_SLICE, slice]]);
}

/** What translate renders for a plain group of `flavor` from this config and these decisions. */
export function renderMesh(config: MeshConfig, flavor: ClientFlavor, d: Decisions = NO_DECISIONS, now = 0): RenderedSet {
  return translate(buildMeshModel(config, d, now), { group: flavor, flavor, labels: {} });
}

/**
 * A mesh exercising every feature translate renders: localities, static and scored weights,
 * overrides (pin, drain), ring hash, outlier detection, health checks, a canary Route on an
 * Envoy listener with header matches, retries and timeouts, and a service without a Route.
 */
export function richMesh(): MeshConfig {
  return meshConfig(
    service('greeter', {
      protocol: 'grpc',
      endpoints: [
        endpoint('10.0.0.1', 50051, { locality: { region: 'eu', zone: 'eu-a' }, weight: 3, metadata: { version: 'v1' } }),
        endpoint('10.0.0.2', 50051, { locality: { region: 'eu', zone: 'eu-a' } }),
        endpoint('10.0.0.3', 50051, { locality: { region: 'eu', zone: 'eu-b' }, hostname: 'greeter-3.example.com' }),
      ],
      connectTimeout: '250ms',
      outlierDetection: { consecutive5xx: 5, consecutiveGatewayFailure: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      healthChecks: [{ type: 'grpc', interval: '5s', timeout: '1s' }, { type: 'http', path: '/ready' }, { type: 'tcp' }],
    }),
    service('greeter-canary', { protocol: 'grpc', endpoints: [endpoint('10.0.1.1', 50051, { locality: { zone: 'eu-a' } })] }),
    service('sessions', {
      protocol: 'http',
      endpoints: [endpoint('10.0.2.1', 8080), endpoint('10.0.2.2', 8080, { weight: 5 })],
      loadBalancing: { policy: 'RING_HASH', ringHash: { minimumRingSize: 1024, maximumRingSize: 8192 } },
    }),
    route('greeter.mesh', {
      hosts: ['greeter.mesh', 'greeter.mesh:50051'],
      listener: { port: 15001 },
      rules: [
        rule([['greeter', 90], ['greeter-canary', 10]], {
          match: { prefix: '/helloworld.Greeter/', headers: [{ name: 'x-canary', exact: 'yes' }, { name: 'x-debug', present: true, invert: true }] },
          timeout: '1m30s',
          retries: { attempts: 3, retryOn: ['unavailable', 'cancelled'], perTryTimeout: '250ms' },
        }),
        rule(['greeter'], { match: { regex: '/helloworld\\..*', headers: [{ name: 'x-user', regex: 'a.+' }] } }),
        rule(['greeter'], { match: { path: '/healthz', headers: [{ name: 'x-env', prefix: 'prod' }] } }),
      ],
    }),
    weightOverride('pin-greeter-2', { service: 'greeter', endpoint: '10.0.0.2:50051', pin: 4 }),
    weightOverride('drain-greeter-3', { service: 'greeter', endpoint: '10.0.0.3:50051', drain: true }),
  );
}
