/**
 * Checks inside one schema-valid document that JSON Schema cannot express: ordering between
 * sibling values, duplicates within a list, and regexes that must compile. Pure; each finding
 * names the field to fix.
 */
import { endpointKey, type AnyDocument, type MirrorMatchSpec, type RouteDocument, type ShadowFidelity, type ScoringPolicyDocument, type ServiceDocument, type WeightOverrideDocument } from '../../api/config.ts';
import { RE2JS } from 're2js';
import { parseDurationNanos } from '../../api/duration.ts';
import { CONFIG_ERROR, type ConfigErrorCode, type PathSegments } from './errors.ts';

export interface Finding {
  code: ConfigErrorCode;
  segments: PathSegments;
  message: string;
}

function value(segments: PathSegments, message: string): Finding {
  return { code: CONFIG_ERROR.value, segments, message };
}

/** Indices of items whose key was already seen earlier in the list, with the first index. */
function repeats<T>(items: readonly T[], key: (item: T) => string): { index: number; first: number; key: string }[] {
  const seen = new Map<string, number>();
  const out: { index: number; first: number; key: string }[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else out.push({ index, first, key: k });
  });
  return out;
}

/**
 * Envoy and gRPC compile route regexes with RE2, which differs from JavaScript's engine in both
 * directions (no lookaround or backreferences; no `\Z`, `\u`, `[^]`; at most 1000 repeats), and a
 * regex a client cannot compile makes it reject the whole route configuration. re2js is a port
 * of RE2 itself, so what passes here compiles there.
 */
function regexFinding(segments: PathSegments, source: string): Finding[] {
  try {
    RE2JS.compile(source);
    return [];
  } catch (err) {
    return [value(segments, `is not a valid RE2 regular expression (${(err as Error).message}); Envoy and gRPC use RE2 syntax`)];
  }
}

/** Envoy requires these durations to be greater than zero (its `duration.gt: {}` rules). */
function positiveDurations(spec: ServiceDocument['spec']): Finding[] {
  const fields: [PathSegments, string | undefined][] = [
    [['spec', 'connectTimeout'], spec.connectTimeout],
    [['spec', 'outlierDetection', 'interval'], spec.outlierDetection?.interval],
    [['spec', 'outlierDetection', 'baseEjectionTime'], spec.outlierDetection?.baseEjectionTime],
    ...(spec.healthChecks ?? []).flatMap((hc, i): [PathSegments, string | undefined][] => [
      [['spec', 'healthChecks', i, 'interval'], hc.interval],
      [['spec', 'healthChecks', i, 'timeout'], hc.timeout],
    ]),
  ];
  return fields
    .filter(([, d]) => d !== undefined && parseDurationNanos(d) <= 0n)
    .map(([segments, d]) => value(segments, `must be longer than zero (got "${d}"); Envoy rejects a zero duration here`));
}

/**
 * Intervals of loops Prescient itself runs (its prober follows health checks; the scorer follows
 * ScoringPolicy) have a floor, so one document cannot make them spin.
 */
const MIN_LOOP_INTERVAL_NANOS = 100_000_000n;

function tooFrequent(segments: PathSegments, d: string | undefined, what: string): Finding[] {
  const nanos = d === undefined ? undefined : parseDurationNanos(d);
  return nanos !== undefined && nanos > 0n && nanos < MIN_LOOP_INTERVAL_NANOS
    ? [value(segments, `must be at least 100ms (got "${d}"); it is how often ${what}`)]
    : [];
}

export function serviceFindings(doc: ServiceDocument): Finding[] {
  const spec = doc.spec;
  const out: Finding[] = repeats(spec.endpoints, endpointKey).map((r) => ({
    code: CONFIG_ERROR.duplicate,
    segments: ['spec', 'endpoints', r.index],
    message: `repeats endpoint ${r.key} (already spec.endpoints[${r.first}]); list each address:port once and use weight instead`,
  }));
  for (const r of repeats(spec.ports ?? [], (p) => String(p.port))) {
    out.push({ code: CONFIG_ERROR.duplicate, segments: ['spec', 'ports', r.index], message: `repeats port ${r.key} (already spec.ports[${r.first}])` });
  }
  const lb = spec.loadBalancing;
  const ring = lb?.ringHash;
  if (ring && lb.policy !== 'RING_HASH') {
    out.push(value(['spec', 'loadBalancing', 'ringHash'], `applies only to policy RING_HASH (policy is ${lb.policy}); remove it or change the policy`));
  }
  if (ring?.minimumRingSize !== undefined && ring.maximumRingSize !== undefined && ring.minimumRingSize > ring.maximumRingSize) {
    out.push(value(['spec', 'loadBalancing', 'ringHash', 'minimumRingSize'], `(${ring.minimumRingSize}) must not exceed maximumRingSize (${ring.maximumRingSize})`));
  }
  if (spec.discovery && spec.dnsResolution) {
    out.push(value(['spec', 'dnsResolution'], 'does not apply to discovered endpoints (Kubernetes gives IP addresses); remove it'));
  } else if (spec.dnsResolution === 'LOGICAL_DNS' && spec.endpoints.length !== 1) {
    out.push(value(['spec', 'dnsResolution'], `LOGICAL_DNS needs exactly one endpoint (there are ${spec.endpoints.length}); use STRICT_DNS for several`));
  }
  out.push(...positiveDurations(spec));
  const shadow = spec.shadowNetwork;
  if (shadow) {
    out.push(...shadowFidelityFindings(shadow.fidelity, ['spec', 'shadowNetwork', 'fidelity']));
    if (shadow.calls?.length && shadow.scope !== 'graph') out.push(value(['spec', 'shadowNetwork', 'calls'], `is the call graph of scope graph (scope is ${shadow.scope ?? 'service'}); set scope: graph or remove it`));
    for (const r of repeats(shadow.calls ?? [], (c) => c)) {
      out.push({ code: CONFIG_ERROR.duplicate, segments: ['spec', 'shadowNetwork', 'calls', r.index], message: `repeats ${r.key} (already calls[${r.first}])` });
    }
    shadow.calls?.forEach((c, i) => {
      if (c === doc.metadata.name) out.push(value(['spec', 'shadowNetwork', 'calls', i], 'is the Service itself; list the Services it calls'));
    });
  }
  spec.healthChecks?.forEach((hc, i) => out.push(...tooFrequent(['spec', 'healthChecks', i, 'interval'], hc.interval, 'each endpoint is probed')));
  return out;
}

export function routeFindings(doc: RouteDocument): Finding[] {
  const out: Finding[] = repeats(doc.spec.hosts, (h) => h.toLowerCase()).map((r) => ({
    code: CONFIG_ERROR.duplicate,
    segments: ['spec', 'hosts', r.index],
    message: `repeats host ${r.key} (already spec.hosts[${r.first}]); hosts are case-insensitive`,
  }));
  doc.spec.rules.forEach((rule, i) => {
    const base: PathSegments = ['spec', 'rules', i];
    if (rule.match?.regex !== undefined) out.push(...regexFinding([...base, 'match', 'regex'], rule.match.regex));
    rule.match?.headers?.forEach((h, j) => {
      if (h.regex !== undefined) out.push(...regexFinding([...base, 'match', 'headers', j, 'regex'], h.regex));
    });
    for (const r of repeats(rule.backends, (b) => b.service)) {
      out.push({
        code: CONFIG_ERROR.duplicate,
        segments: [...base, 'backends', r.index],
        message: `repeats backend service ${r.key} (already backends[${r.first}]); merge them into one backend with the summed weight`,
      });
    }
  });
  return out;
}

/**
 * A request selection (MirrorRule `spec.match`, a Service's shadow event matchers): its regexes
 * compile in RE2, and no method is listed twice. `at` is the selection's path.
 */
export function requestMatchFindings(m: MirrorMatchSpec | undefined, at: PathSegments): Finding[] {
  if (!m) return [];
  const out: Finding[] = [];
  if (m.regex !== undefined) out.push(...regexFinding([...at, 'regex'], m.regex));
  m.headers?.forEach((h, j) => {
    if (h.regex !== undefined) out.push(...regexFinding([...at, 'headers', j, 'regex'], h.regex));
  });
  for (const r of repeats(m.methods ?? [], (x) => x)) {
    out.push({ code: CONFIG_ERROR.duplicate, segments: [...at, 'methods', r.index], message: `repeats method ${r.key} (already methods[${r.first}])` });
  }
  return out;
}

/** A shadow's fidelity: `percent` only with mode sampled, `events` only with mode event, each event matcher checked. */
export function shadowFidelityFindings(f: ShadowFidelity | undefined, at: PathSegments): Finding[] {
  if (!f) return [];
  const out: Finding[] = [];
  if (f.percent !== undefined && f.mode !== 'sampled') out.push(value([...at, 'percent'], `applies only to mode sampled (mode is ${f.mode}); remove it`));
  if (f.events !== undefined && f.mode !== 'event') out.push(value([...at, 'events'], `applies only to mode event (mode is ${f.mode}); remove it`));
  f.events?.forEach((m, i) => out.push(...requestMatchFindings(m, [...at, 'events', i])));
  return out;
}

export function overrideFindings(doc: WeightOverrideDocument): Finding[] {
  const { floor, ceiling } = doc.spec;
  return floor !== undefined && ceiling !== undefined && floor > ceiling
    ? [value(['spec', 'floor'], `(${floor}) must not exceed ceiling (${ceiling})`)]
    : [];
}

/** A zero scoring interval would run the scorer loop back to back, burning a core. */
export function policyFindings(doc: ScoringPolicyDocument): Finding[] {
  const interval = doc.spec.interval;
  if (interval !== undefined && parseDurationNanos(interval) <= 0n) {
    return [value(['spec', 'interval'], `must be longer than zero (got "${interval}"); it is how often the scorer recomputes weights`)];
  }
  return tooFrequent(['spec', 'interval'], interval, 'the scorer recomputes weights');
}

/** `google.protobuf.Duration` holds at most ±10,000 years; clients reject anything longer. */
const MAX_DURATION_NANOS = 315_576_000_000n * 1_000_000_000n;
/** Every duration field of every kind (the schemas' `$defs/duration` references). */
const DURATION_KEYS = new Set(['connectTimeout', 'interval', 'baseEjectionTime', 'timeout', 'perTryTimeout']);

function overlongDurations(node: unknown, segments: PathSegments): Finding[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => overlongDurations(item, [...segments, i]));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, v]) =>
    DURATION_KEYS.has(key) && typeof v === 'string' && parseDurationNanos(v) > MAX_DURATION_NANOS
      ? [value([...segments, key], `("${v}") is longer than a protobuf Duration can hold (10,000 years)`)]
      : key === 'metadata' || key === 'labels'
        ? []
        : overlongDurations(v, [...segments, key]),
  );
}

/** Checks every kind gets: durations too long for a protobuf Duration, anywhere in the spec. */
export function commonFindings(doc: AnyDocument): Finding[] {
  return overlongDurations(doc.spec, ['spec']);
}
