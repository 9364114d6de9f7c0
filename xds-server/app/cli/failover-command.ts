/**
 * `prescient failover status|hold|release` and `prescient audit list|revert`: the failover state
 * per service and the audit trail of automated actions, from a running Prescient's admin API.
 */
import type { AuditEntry } from '../../audit/audit-log.ts';
import { formatTable, getJson, guarded, postJson } from './admin-client.ts';
import type { InspectFlags } from './inspect-commands.ts';

interface FailoverStatus {
  leader: boolean;
  services: { service: string; policy: string; state: string; since: number; held: boolean; switches: number; dwellMs: number; primaries: string[]; last?: { healthy: number; total: number; latencyMs?: number } }[];
  unarmed: { policy: string; service: string; reason: string }[];
}

export function runFailoverStatus(flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const s = await getJson<FailoverStatus>(flags, 'debug/failover');
    if (flags.json) return console.log(JSON.stringify(s, null, 2));
    const rows = s.services.map((x) => [
      x.service,
      x.state + (x.held ? ' (held)' : ''),
      new Date(x.since).toISOString(),
      String(x.switches),
      `${x.dwellMs / 1000}s`,
      x.last ? `${x.last.healthy}/${x.last.total}${x.last.latencyMs !== undefined ? ` ${x.last.latencyMs.toFixed(1)}ms` : ''}` : '-',
    ]);
    console.log(s.services.length ? formatTable(['SERVICE', 'STATE', 'SINCE', 'SWITCHES', 'DWELL', 'PRIMARY HEALTHY'], rows) : 'no FailoverPolicy is armed');
    for (const u of s.unarmed) console.log(`not armed: FailoverPolicy ${u.policy} (Service ${u.service}): ${u.reason}`);
    if (!s.leader) console.log('this replica does not lead "failover": another replica probes and decides');
  });
}

export function runFailoverHold(service: string, hold: boolean, flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const { entry } = await postJson<{ entry: AuditEntry }>(flags, `v1/failover/${hold ? 'hold' : 'release'}?service=${encodeURIComponent(service)}`);
    console.log(flags.json ? JSON.stringify({ entry }, null, 2) : `${entry.action} ${service} (audit ${entry.id})`);
  });
}

function describe(e: AuditEntry): string {
  const before = e.before as { state?: string } | undefined;
  const after = e.after as { state?: string } | undefined;
  return before?.state && after?.state ? `${before.state} → ${after.state}` : JSON.stringify(e.after);
}

export function runAuditList(flags: InspectFlags & { subject?: string; limit?: number }): Promise<number> {
  return guarded(async () => {
    const q = new URLSearchParams();
    if (flags.subject) q.set('subject', flags.subject);
    q.set('limit', String(flags.limit ?? 100));
    const { entries } = await getJson<{ entries: AuditEntry[] }>(flags, `debug/audit?${q}`);
    if (flags.json) return console.log(JSON.stringify(entries, null, 2));
    const rows = entries.map((e) => [
      e.id,
      new Date(e.at).toISOString(),
      `${e.actor.module}${e.actor.replica ? `@${e.actor.replica.slice(0, 8)}` : ''}`,
      e.action,
      e.subject,
      describe(e),
      e.reason + (e.revertOf ? ` (undoes ${e.revertOf})` : ''),
      e.revertible ? 'yes' : 'no',
    ]);
    console.log(entries.length ? formatTable(['ID', 'AT', 'ACTOR', 'ACTION', 'SUBJECT', 'CHANGE', 'REASON', 'REVERTIBLE'], rows) : 'no audit entries');
  });
}

export function runAuditRevert(id: string, flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const { entry } = await postJson<{ entry: AuditEntry }>(flags, `v1/audit/revert?id=${encodeURIComponent(id)}`);
    console.log(flags.json ? JSON.stringify({ entry }, null, 2) : `reverted ${id}: ${describe(entry)} (audit ${entry.id})`);
  });
}

interface ScalingStatus {
  decisions: { at: number; service: string; policy: string; action: string; from: number; to: number; basis: string; reason: string; mode: string; actuator: string; applied: boolean; error?: string }[];
}

export function runScaleDecisions(flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const s = await getJson<ScalingStatus>(flags, 'debug/scaling');
    if (flags.json) return console.log(JSON.stringify(s.decisions, null, 2));
    const rows = s.decisions.map((d) => [
      new Date(d.at).toISOString(),
      d.service,
      `${d.action} ${d.from} → ${d.to}`,
      d.basis,
      d.mode === 'forecastOnly' ? 'would (forecast only)' : d.applied ? `applied (${d.actuator})` : `failed (${d.actuator}): ${d.error ?? ''}`,
      d.reason,
    ]);
    console.log(rows.length ? formatTable(['AT', 'SERVICE', 'DECISION', 'BASIS', 'OUTCOME', 'REASON'], rows) : 'no scaling decisions yet');
  });
}
