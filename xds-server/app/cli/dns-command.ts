/**
 * `prescient dns status`: per DnsZone, the records Prescient has published, when it last updated
 * the zone and the last error, read from a running Prescient's `/debug/dns`.
 */
import type { DnsZoneStatus } from '../../dns/dns-sink.ts';
import { formatTable, getJson, guarded } from './admin-client.ts';
import type { InspectFlags } from './inspect-commands.ts';

function when(ms: number | undefined): string {
  return ms === undefined ? 'never' : new Date(ms).toISOString();
}

export function formatDnsStatus(zones: readonly DnsZoneStatus[]): string {
  if (zones.length === 0) return 'no DnsZone is configured';
  return zones
    .map((z) => {
      const head = [
        `zone ${z.zone} (DnsZone ${z.id}) on ${z.server ?? '?'}, ${z.role}`,
        `  updates ${z.updates ?? 0}, failures ${z.failures ?? 0}, last update ${when(z.lastUpdateAt)}`,
      ];
      const error = z.configError ?? z.lastError;
      if (error) head.push(`  last error ${error.code} at ${when(error.at)}: ${error.message}`);
      if (z.pending?.length) head.push(`  waiting (hysteresis or rate limit): ${z.pending.join(', ')}`);
      if (z.keptDegraded?.length) head.push(`  kept although degraded (never empty): ${z.keptDegraded.join(', ')}`);
      const rows = Object.entries(z.records ?? {}).flatMap(([name, lines]) => (lines.length ? lines.map((l) => [name, l]) : [[name, '(none)']]));
      return `${head.join('\n')}\n${rows.length ? formatTable(['NAME', 'RECORD'], rows) : '  nothing published yet'}`;
    })
    .join('\n\n');
}

export async function runDnsStatus(flags: InspectFlags): Promise<number> {
  return guarded(async () => {
    const { zones } = await getJson<{ zones: DnsZoneStatus[] }>(flags, 'debug/dns');
    console.log(flags.json ? JSON.stringify(zones, null, 2) : formatDnsStatus(zones));
    return zones.some((z) => z.configError || (z.lastError && (z.lastUpdateAt ?? 0) < z.lastError.at)) ? 2 : 0;
  });
}
