/**
 * Which ScoringPolicy governs a service: one that names the service wins over a catch-all (no
 * `services`); among equals the alphabetically first name wins, so every replica picks the same
 * one. No policy at all → DEFAULT_POLICY.
 */
import type { MeshConfig, ScoringPolicyDocument } from '../../api/config.ts';
import { DEFAULT_POLICY, resolvePolicy, type ResolvedPolicy } from './resolved-policy.ts';

function firstByName(docs: ScoringPolicyDocument[]): ScoringPolicyDocument | undefined {
  return docs.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))[0];
}

export function policyDocumentFor(config: MeshConfig, service: string): ScoringPolicyDocument | undefined {
  const all = [...config.scoringPolicies.values()];
  return (
    firstByName(all.filter((p) => p.spec.services?.includes(service))) ??
    firstByName(all.filter((p) => p.spec.services === undefined || p.spec.services.length === 0))
  );
}

/** Resolves every service's policy once per config; policies are immutable with the config. */
export function resolvePolicies(config: MeshConfig): Map<string, ResolvedPolicy> {
  const out = new Map<string, ResolvedPolicy>();
  for (const service of config.services.keys()) {
    const doc = policyDocumentFor(config, service);
    out.set(service, doc ? resolvePolicy(doc.metadata.name, doc.spec) : DEFAULT_POLICY);
  }
  return out;
}
