/**
 * Validation of LRS cluster stats before they reach the decide stage, and their flattening into
 * `LoadReport`s: one per locality, plus one per endpoint when the client reports endpoint
 * granularity. A bad entry is rejected alone; the others and the stream carry on.
 */
import type { LoadReport } from '../../../api/telemetry.ts';

/** Longest interval a report may cover: beyond it counters are too coarse to mean anything. */
export const MAX_REPORT_INTERVAL_MS = 60 * 60 * 1000;

export type ClusterStatsResult = { ok: true; reports: LoadReport[] } | { ok: false; cluster: string; problems: string[] };

type Obj = Record<string, any>;

/** `source`: the stream's authenticated source, carried on every report (api/telemetry.ts). */
export function validateClusterStats(stats: Obj, nodeId: string, receivedAt: number, source?: string): ClusterStatsResult {
  const problems: string[] = [];
  const cluster = typeof stats.cluster_name === 'string' ? stats.cluster_name : '';
  if (!cluster) problems.push('cluster_name is empty');
  const intervalMs = durationMs(stats.load_report_interval);
  if (intervalMs === undefined) problems.push('load_report_interval is missing');
  else if (!(intervalMs > 0 && intervalMs <= MAX_REPORT_INTERVAL_MS)) problems.push(`load_report_interval ${intervalMs} ms is outside (0, ${MAX_REPORT_INTERVAL_MS}]`);
  const counter = (value: unknown, path: string): number => {
    const n = value === undefined ? 0 : Number(value);
    if (!Number.isFinite(n) || n < 0 || (Number.isInteger(n) && !Number.isSafeInteger(n))) problems.push(`${path} must be a finite, non-negative number, got ${String(value)}`);
    return n;
  };
  counter(stats.total_dropped_requests, 'total_dropped_requests');
  const reports: LoadReport[] = [];
  (stats.upstream_locality_stats ?? []).forEach((loc: Obj, i: number) => {
    const at = `upstream_locality_stats[${i}]`;
    const locality = { region: loc.locality?.region ?? '', zone: loc.locality?.zone ?? '', subZone: loc.locality?.sub_zone ?? '' };
    const base = { nodeId, ...(source !== undefined && { source }), cluster, locality, intervalMs: intervalMs ?? 0, receivedAt };
    reports.push({ ...base, ...requestCounters(loc, at, counter) });
    (loc.upstream_endpoint_stats ?? []).forEach((ep: Obj, j: number) => {
      const sa = ep.address?.socket_address;
      const endpoint = sa ? `${sa.address}:${sa.port_value ?? 0}` : undefined;
      if (!endpoint) problems.push(`${at}.upstream_endpoint_stats[${j}].address has no socket_address`);
      reports.push({ ...base, endpoint, ...requestCounters(ep, `${at}.upstream_endpoint_stats[${j}]`, counter) });
    });
  });
  return problems.length ? { ok: false, cluster, problems } : { ok: true, reports };
}

function requestCounters(s: Obj, at: string, counter: (v: unknown, path: string) => number) {
  const loadMetrics: LoadReport['loadMetrics'] = {};
  (s.load_metric_stats ?? []).forEach((m: Obj, k: number) => {
    const name = m.metric_name ?? '';
    loadMetrics[name] = {
      sum: counter(m.total_metric_value, `${at}.load_metric_stats[${k}].total_metric_value`),
      count: counter(m.num_requests_finished_with_metric, `${at}.load_metric_stats[${k}].num_requests_finished_with_metric`),
    };
  });
  return {
    successfulRequests: counter(s.total_successful_requests, `${at}.total_successful_requests`),
    errorRequests: counter(s.total_error_requests, `${at}.total_error_requests`),
    issuedRequests: counter(s.total_issued_requests, `${at}.total_issued_requests`),
    inProgressRequests: counter(s.total_requests_in_progress, `${at}.total_requests_in_progress`),
    loadMetrics,
  };
}

function durationMs(d: Obj | undefined): number | undefined {
  if (!d) return undefined;
  const ms = Number(d.seconds ?? 0) * 1000 + Number(d.nanos ?? 0) / 1e6;
  return Number.isFinite(ms) ? ms : Number.NaN;
}
