/**
 * The registry of config kinds: what each kind adds beyond its JSON Schema (schemas are found by
 * file name in ./schemas). Adding a kind is a schema file, its document type in api/config.ts and
 * one entry here — no switch elsewhere. Kinds without an entry get the common checks only.
 */
import type { AnyDocument, DnsZoneDocument, FailoverPolicyDocument, MirrorRuleDocument, ScalingPolicyDocument, ShadowNetworkDocument, RouteDocument, ScoringPolicyDocument, ServiceDocument, WeightOverrideDocument } from '../../api/config.ts';
import { dnsZoneFindings, dnsZoneServiceReferences } from '../dns/zone-checks.ts';
import { mirrorRuleProblems } from '../../mirror/mirror-rules.ts';
import { CONFIG_ERROR, type PathSegments } from './errors.ts';
import { commonFindings, overrideFindings, policyFindings, requestMatchFindings, routeFindings, serviceFindings, shadowFidelityFindings, type Finding } from './value-checks.ts';

/** A Service name a document refers to, and where. */
export interface ServiceReference {
  readonly segments: PathSegments;
  readonly name: string;
}

export interface KindDefinition<D extends AnyDocument = AnyDocument> {
  /** Checks of values each valid alone but not together (ordering, duplicates, regexes). */
  readonly valueFindings?: (doc: D) => Finding[];
  /** The Service names the document refers to, checked against the defined Services. */
  readonly serviceReferences?: (doc: D) => ServiceReference[];
  /** Fills what a schema default cannot say (a default that depends on a sibling field). */
  readonly normalize?: (doc: D) => D;
}

const service: KindDefinition<ServiceDocument> = {
  valueFindings: serviceFindings,
  // A Service with `discovery` lists no endpoints; every later stage reads `endpoints` as a list.
  normalize: (doc) => (doc.spec.endpoints === undefined ? { ...doc, spec: { ...doc.spec, endpoints: [] } } : doc),
};

const route: KindDefinition<RouteDocument> = {
  valueFindings: routeFindings,
  serviceReferences: (doc) =>
    doc.spec.rules.flatMap((rule, i) => rule.backends.map((b, j) => ({ segments: ['spec', 'rules', i, 'backends', j, 'service'], name: b.service }))),
};

const weightOverride: KindDefinition<WeightOverrideDocument> = {
  valueFindings: overrideFindings,
  serviceReferences: (doc) => [{ segments: ['spec', 'service'], name: doc.spec.service }],
};

const scoringPolicy: KindDefinition<ScoringPolicyDocument> = {
  valueFindings: policyFindings,
  serviceReferences: (doc) => (doc.spec.services ?? []).map((name, i) => ({ segments: ['spec', 'services', i], name })),
};

const dnsZone: KindDefinition<DnsZoneDocument> = {
  valueFindings: (doc) => dnsZoneFindings(doc.spec),
  serviceReferences: (doc) => dnsZoneServiceReferences(doc.spec),
};

const mirrorRule: KindDefinition<MirrorRuleDocument> = {
  valueFindings: (doc) => [
    ...mirrorRuleProblems(doc.spec).map((p) => ({ code: CONFIG_ERROR.value, segments: p.segments, message: p.message })),
    ...requestMatchFindings(doc.spec.match, ['spec', 'match']),
  ],
  serviceReferences: (doc) => [
    { segments: ['spec', 'service'], name: doc.spec.service },
    ...doc.spec.targets.map((t, i) => ({ segments: ['spec', 'targets', i, 'service'], name: t.service })),
  ],
};

const failoverPolicy: KindDefinition<FailoverPolicyDocument> = {
  serviceReferences: (doc) => [{ segments: ['spec', 'service'], name: doc.spec.service }],
};

const shadowNetwork: KindDefinition<ShadowNetworkDocument> = {
  valueFindings: (doc) => shadowFidelityFindings(doc.spec.fidelity, ['spec', 'fidelity']),
  serviceReferences: (doc) => [{ segments: ['spec', 'service'], name: doc.spec.service }],
};

const scalingPolicy: KindDefinition<ScalingPolicyDocument> = {
  valueFindings: (doc) => {
    const s = doc.spec;
    const out = [];
    if (s.scaleInBelow !== undefined && s.scaleInBelow >= s.scaleOutAbove) {
      out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'scaleInBelow'], message: `(${s.scaleInBelow}) must be below scaleOutAbove (${s.scaleOutAbove}), or every action would be undone by the next` });
    }
    if (s.minReplicas !== undefined && s.minReplicas > s.maxReplicas) {
      out.push({ code: CONFIG_ERROR.value, segments: ['spec', 'minReplicas'], message: `(${s.minReplicas}) must not exceed maxReplicas (${s.maxReplicas})` });
    }
    return out;
  },
  serviceReferences: (doc) => [{ segments: ['spec', 'service'], name: doc.spec.service }],
};

/** Entries are looked up by `doc.kind`, so each sees only documents of its own kind. */
function entry<D extends AnyDocument>(kind: D['kind'], def: KindDefinition<D>): [string, KindDefinition] {
  return [
    kind,
    {
      ...(def.valueFindings && { valueFindings: (doc) => def.valueFindings!(doc as D) }),
      ...(def.serviceReferences && { serviceReferences: (doc) => def.serviceReferences!(doc as D) }),
      ...(def.normalize && { normalize: (doc) => def.normalize!(doc as D) }),
    },
  ];
}

export const KINDS: ReadonlyMap<string, KindDefinition> = new Map([
  entry('Service', service),
  entry('Route', route),
  entry('WeightOverride', weightOverride),
  entry('ScoringPolicy', scoringPolicy),
  entry('DnsZone', dnsZone),
  entry('MirrorRule', mirrorRule),
  entry('FailoverPolicy', failoverPolicy),
  entry('ShadowNetwork', shadowNetwork),
  entry('ScalingPolicy', scalingPolicy),
]);

export function valueFindings(doc: AnyDocument): Finding[] {
  return [...(KINDS.get(doc.kind)?.valueFindings?.(doc) ?? []), ...commonFindings(doc)];
}

export function serviceReferences(doc: AnyDocument): ServiceReference[] {
  return KINDS.get(doc.kind)?.serviceReferences?.(doc) ?? [];
}

export function normalizeDocument(doc: AnyDocument): AnyDocument {
  return KINDS.get(doc.kind)?.normalize?.(doc) ?? doc;
}
