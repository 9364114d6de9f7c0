/**
 * `prescient status`, `prescient weights` and `prescient select`: what a running Prescient is
 * serving, read from its admin API. Each prints a table (or `--json`) and exits 1 with one clear
 * line when the server cannot be asked.
 */
import type { ClientStatus, TypeStatus } from '../../transport/client-status.ts';
import type { ServiceWeightReport } from '../../pipeline/weights-report.ts';
import { AdminApiError, formatTable, getJson, guarded, type AdminTarget } from './admin-client.ts';

export interface InspectFlags extends AdminTarget {
  json?: boolean;
}

const TYPES = ['cds', 'eds', 'lds', 'rds'] as const;

/** SYNCED, NACKED, PENDING or STALE for one type of one stream, as proxy-status shows it. */
function syncState(t: TypeStatus | undefined): string {
  if (!t) return '-';
  if (t.pendingNonce) return 'PENDING';
  if (t.lastNack && t.lastNack.version === t.lastSent?.version) return 'NACKED';
  if (t.lastSent && t.ackedVersion === t.lastSent.version) return 'SYNCED';
  return t.lastSent ? 'STALE' : 'REQUESTED';
}

/** The version a type last ACKed (or was last sent, before any ACK), shortened like a git hash. */
function shortVersion(t: TypeStatus | undefined): string {
  const v = t?.ackedVersion ?? t?.lastSent?.version;
  return v ? v.slice(0, 8) : '';
}

/** 45s, 12m, 3h, 2d: how long ago `at` (Unix ms) was. */
export function age(at: number | undefined, now: number): string {
  if (at === undefined) return '-';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

export function runStatus(flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const { clients } = await getJson<{ clients: ClientStatus[] }>(flags, 'debug/clients');
    if (flags.json) return console.log(JSON.stringify(clients, null, 2));
    const now = Date.now();
    const rows = clients.map((c) => {
      const lastPush = Math.max(...c.types.map((t) => t.lastSent?.at ?? Number.NEGATIVE_INFINITY));
      return [
        c.nodeId,
        c.group ?? '-',
        c.flavor ?? '-',
        `${c.protocol}/${c.service}`,
        ...TYPES.map((type) => {
          const t = c.types.find((x) => x.type === type);
          return `${syncState(t)} ${shortVersion(t)}`.trim();
        }),
        age(c.connectedAt, now),
        age(Number.isFinite(lastPush) ? lastPush : undefined, now),
        c.peer,
      ];
    });
    // Each type column: its state and the version the client runs (as CSDS and Envoy's config_dump name it).
    console.log(formatTable(['NODE', 'GROUP', 'FLAVOR', 'STREAM', 'CDS', 'EDS', 'LDS', 'RDS', 'AGE', 'LAST PUSH', 'PEER'], rows));
    const nacks = clients.flatMap((c) => c.types.filter((t) => t.lastNack).map((t) => `${c.nodeId} ${t.type}: ${t.lastNack!.message}`));
    if (nacks.length) console.log(`\nlast rejections:\n${nacks.map((n) => `  ${n}`).join('\n')}`);
  });
}

export function runWeights(service: string | undefined, flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const { services } = await getJson<{ services: ServiceWeightReport[] }>(flags, 'debug/weights');
    const chosen = service ? services.filter((s) => s.service === service) : services;
    if (service && chosen.length === 0) throw new AdminApiError(`no Service named "${service}" is configured`);
    if (flags.json) return console.log(JSON.stringify(chosen, null, 2));
    const rows = chosen.flatMap((s) =>
      s.endpoints.map((e) => [s.service, e.endpoint, String(e.static), e.scorer === undefined ? '-' : String(e.scorer), e.draining ? 'draining' : String(e.effective), `${(100 * e.share).toFixed(1)}%`, e.health, e.outlier ?? '-', s.overrides.join(',') || '-']),
    );
    console.log(formatTable(['SERVICE', 'ENDPOINT', 'STATIC', 'SCORER', 'EFFECTIVE', 'SHARE', 'HEALTH', 'OUTLIER', 'OVERRIDES'], rows));
  });
}

export function runSelect(service: string, network: string | undefined, flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const query = new URLSearchParams({ service, ...(network ? { network } : {}) });
    const e = await getJson<{ address: string; port: number; dnsName: string; weight: number; totalWeight: number }>(flags, `v1/select?${query}`);
    if (flags.json) return console.log(JSON.stringify(e, null, 2));
    console.log(`${e.address}:${e.port}${e.dnsName ? ` (${e.dnsName})` : ''}  weight ${e.weight}/${e.totalWeight}`);
  });
}
