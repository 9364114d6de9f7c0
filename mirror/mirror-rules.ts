/**
 * MirrorRule documents → the `mirrors` decision slice, and the checks a rule must pass beyond its
 * schema. Pure and plain data (decide stage, DESIGN §2): imports only `api/`. The config loader
 * turns the problems into coded errors; the mirror module publishes the plan.
 */
import type { MeshConfig, MirrorMatchSpec, MirrorRuleDocument, MirrorRuleSpec } from '../api/config.ts';
import type { MirrorDecision } from '../api/decisions.ts';

/** A problem with one field of a rule, as JSON path segments below the document. */
export interface MirrorProblem {
  readonly segments: (string | number)[];
  readonly message: string;
}

/** Envoy's finest mirror resolution: a fraction per million, so a percentage keeps 4 decimals. */
export const PER_MILLION_PER_PERCENT = 10_000;

/** Checks inside one rule: targets are other services, each named once, at Envoy's resolution. */
export function mirrorRuleProblems(spec: MirrorRuleSpec): MirrorProblem[] {
  const out: MirrorProblem[] = [];
  const seen = new Map<string, number>();
  spec.targets.forEach((t, i) => {
    if (t.service === spec.service) {
      out.push({ segments: ['spec', 'targets', i, 'service'], message: `is the mirrored service itself; a service cannot receive copies of its own traffic` });
    }
    const first = seen.get(t.service);
    if (first !== undefined) {
      out.push({ segments: ['spec', 'targets', i, 'service'], message: `repeats target ${t.service} (already targets[${first}]); give it one percentage` });
    } else seen.set(t.service, i);
    const perMillion = t.percent * PER_MILLION_PER_PERCENT;
    if (Math.abs(perMillion - Math.round(perMillion)) > 1e-6) {
      out.push({ segments: ['spec', 'targets', i, 'percent'], message: `(${t.percent}) has more than 4 decimals; Envoy mirrors at one-per-million resolution (e.g. 0.0001)` });
    }
  });
  return out;
}

/** A rule's edge in the mirror graph: `from`'s traffic is copied to `to`. */
export interface MirrorEdge {
  readonly rule: string;
  readonly target: number;
  readonly from: string;
  readonly to: string;
}

function edgesOf(rules: readonly MirrorRuleDocument[]): MirrorEdge[] {
  return rules
    .filter((r) => r.spec.enabled !== false)
    .flatMap((r) => r.spec.targets.map((t, target) => ({ rule: r.metadata.name, target, from: r.spec.service, to: t.service })));
}

/**
 * Edges that close a cycle (A mirrors to B mirrors to A): a sidecar at B would copy the copies
 * back to A, multiplying load. Each cycle is reported once, on the edge found to close it, with
 * the whole path. Depth-first over services in name order, so the result is deterministic.
 */
export function mirrorCycles(rules: readonly MirrorRuleDocument[]): { edge: MirrorEdge; path: string[] }[] {
  const edges = edgesOf(rules);
  const out = new Map<string, MirrorEdge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const state = new Map<string, 'open' | 'done'>();
  const found: { edge: MirrorEdge; path: string[] }[] = [];
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const e of out.get(node) ?? []) {
      const s = state.get(e.to);
      if (s === 'open') found.push({ edge: e, path: [...stack.slice(stack.indexOf(e.to)), e.to] });
      else if (s === undefined) visit(e.to);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...out.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

/** What one target receives, summed over every rule that names it. */
export interface MirrorTargetLoad {
  readonly target: string;
  readonly sources: { rule: string; service: string; percent: number }[];
  /**
   * Sum of the percentages over the sources: 100 means "as many requests as one mirrored service
   * sends" in all. The copies add to whatever the target serves of its own.
   */
  readonly totalPercent: number;
}

export interface MirrorPlan {
  readonly decisions: MirrorDecision[];
  readonly targets: MirrorTargetLoad[];
  /** Enabled rules, by name, with the targets each renders. */
  readonly rules: { name: string; service: string; route?: string; match?: MirrorMatchSpec; targets: { service: string; percent: number; runtimeKey?: string }[]; enabled: boolean }[];
}

/** The mirror decisions a config asks for, and the load each target gets. */
export function mirrorPlan(config: MeshConfig): MirrorPlan {
  const rules = [...(config.mirrorRules?.values() ?? [])].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const decisions: MirrorDecision[] = [];
  const loads = new Map<string, MirrorTargetLoad['sources']>();
  for (const r of rules) {
    if (r.spec.enabled === false) continue;
    for (const t of r.spec.targets) {
      decisions.push({
        service: r.spec.service,
        ...(r.spec.route !== undefined && { route: r.spec.route }),
        ...(r.spec.match !== undefined && { match: r.spec.match }),
        target: t.service,
        percent: t.percent,
        ...(t.runtimeKey !== undefined && { runtimeKey: t.runtimeKey }),
        ...(t.traceSampled !== undefined && { traceSampled: t.traceSampled }),
      });
      loads.set(t.service, [...(loads.get(t.service) ?? []), { rule: r.metadata.name, service: r.spec.service, percent: t.percent }]);
    }
  }
  return {
    decisions,
    targets: [...loads].sort(([a], [b]) => a.localeCompare(b)).map(([target, sources]) => ({
      target,
      sources,
      totalPercent: Math.round(sources.reduce((sum, s) => sum + s.percent, 0) * PER_MILLION_PER_PERCENT) / PER_MILLION_PER_PERCENT,
    })),
    rules: rules.map((r) => ({
      name: r.metadata.name,
      service: r.spec.service,
      ...(r.spec.route !== undefined && { route: r.spec.route }),
      ...(r.spec.match !== undefined && { match: r.spec.match }),
      enabled: r.spec.enabled !== false,
      targets: r.spec.targets.map((t) => ({ service: t.service, percent: t.percent, ...(t.runtimeKey !== undefined && { runtimeKey: t.runtimeKey }) })),
    })),
  };
}
