/**
 * `prescient mirror list`: each MirrorRule with its targets and how many connected Envoy and
 * proxyless gRPC clients carry it (gRPC clients cannot mirror: the rule does nothing for them),
 * then the load each target receives, read from a running Prescient's `/debug/mirrors`.
 */
import type { RuleCoverage } from '../../mirror/mirror-coverage.ts';
import type { MirrorTargetLoad } from '../../../mirror/mirror-rules.ts';
import { formatTable, getJson, guarded } from './admin-client.ts';
import type { InspectFlags } from './inspect-commands.ts';

export interface MirrorStatus {
  rules: RuleCoverage[];
  targets: MirrorTargetLoad[];
  conflicts: { owner: string; message: string }[];
}

/** A rule's selection in one line: `POST|PUT /orders/* x-tenant=a`. */
export function describeSelection(m: RuleCoverage['match']): string {
  if (!m) return 'every request';
  const path = m.path ?? (m.prefix !== undefined ? `${m.prefix}*` : m.regex !== undefined ? `~${m.regex}` : undefined);
  const headers = (m.headers ?? []).map((h) => `${h.invert ? '!' : ''}${h.name}${h.exact !== undefined ? `=${h.exact}` : h.prefix !== undefined ? `=${h.prefix}*` : h.regex !== undefined ? `~${h.regex}` : ''}`);
  return [m.methods?.join('|'), path, ...headers].filter((x) => x !== undefined).join(' ');
}

export function formatMirrorList(s: MirrorStatus): string {
  if (s.rules.length === 0) return 'no MirrorRule is configured';
  const rows = s.rules.map((r) => [
    r.rule,
    r.service,
    describeSelection(r.match),
    r.targets.map((t) => `${t.service} ${t.percent}%${t.runtimeKey ? ` (runtime ${t.runtimeKey})` : ''}`).join(', '),
    r.enabled ? 'yes' : 'no',
    String(r.envoyClients),
    r.grpcClients ? `${r.grpcClients} (not applied)` : '0',
  ]);
  const out = [formatTable(['RULE', 'SERVICE', 'SELECTS', 'TARGETS', 'ENABLED', 'ENVOY', 'GRPC'], rows)];
  if (s.targets.length) {
    out.push('', formatTable(['TARGET', 'MIRRORED LOAD', 'FROM'], s.targets.map((t) => [t.target, `${t.totalPercent}% of a source`, t.sources.map((x) => `${x.service} ${x.percent}% (${x.rule})`).join(', ')])));
  }
  if (s.rules.some((r) => r.grpcClients > 0)) out.push('', 'proxyless gRPC clients ignore mirror policies: only Envoy copies traffic');
  if (s.conflicts.length) out.push('', 'not rendered:', ...s.conflicts.map((c) => `  ${c.message}`));
  return out.join('\n');
}

export async function runMirrorList(flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const status = await getJson<MirrorStatus>(flags, 'debug/mirrors');
    console.log(flags.json ? JSON.stringify(status, null, 2) : formatMirrorList(status));
    return 0;
  });
}
