/**
 * `prescient serve`: starts Prescient and runs until SIGINT/SIGTERM, then drains streams and
 * exits 0. Exits 1 when the initial configuration is invalid (nothing is started) or a listener
 * cannot bind.
 */
import { createLogger } from '../../log.ts';
import type { PromQuery } from '../../../scorer/telemetry/prometheus-source.ts';
import { InitialConfigError, Prescient } from '../prescient.ts';
import { parseNodeGroup } from './node-group-flag.ts';
import { parseLrsIdentity, type LrsIdentityRule } from '../../transport/access/xds-access.ts';

export interface ServeFlags {
  config?: string[] | string;
  configSource: 'files' | 'kubernetes';
  configNamespace?: string;
  xdsAddress: string;
  adminAddress: string;
  adminToken?: string;
  logLevel: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsRequireClientCert?: boolean;
  redisUrl?: string;
  lease?: 'kubernetes';
  leaseNamespace?: string;
  kubeconfig?: string;
  scorer: boolean;
  model?: string;
  provider: 'cpu' | 'cuda' | 'webgpu';
  debounceMs: number;
  maxDebounceMs: number;
  maxNewStreams: number;
  lrsIntervalMs: number;
  prometheusUrl?: string;
  prometheusQuery: string[];
  prometheusIntervalMs: number;
  nodeGroup: string[];
  /** A string when it came from the environment (`;`-separated / `,`-separated). */
  lrsIdentity: string[] | string;
  operatorIdentity: string[] | string;
  istiodIdentity: string[] | string;
  istio: boolean;
  istioNamespace: string;
  istioDomain: string;
  lrsAllowUnauthenticated?: boolean;
  lrsMaxSourceShare?: number;
  featureStoreBudgetMb?: number;
  ingestPerClientPerMinute?: number;
  dnsServer: string[];
  auditFile?: string;
  captureAddress?: string;
  captureDir: string;
  captureMaxFileMb: number;
  captureMaxFiles: number;
  captureBodyBytes?: number;
  captureDropHeader: string[];
  captureHashHeader: string[];
  captureKeepHeader?: string[];
}

const METRIC_NAME = /^(latency_ms|latency_p99_ms|jitter_ms|loss|error_rate|rps|in_flight|cpu|cost_per_hour|custom:[a-z_][a-z0-9_]*)$/;

/** `metric=promql` pairs from --prometheus-query; throws with the offending flag value. */
export function parsePromQueries(values: string[]): PromQuery[] {
  return values.map((v) => {
    const i = v.indexOf('=');
    const metric = v.slice(0, i).trim();
    const query = v.slice(i + 1).trim();
    if (i < 0 || !METRIC_NAME.test(metric) || !query) {
      throw new Error(`--prometheus-query "${v}": expected METRIC=PROMQL with METRIC one of latency_ms, latency_p99_ms, jitter_ms, loss, error_rate, rps, in_flight, cpu, cost_per_hour or custom:<name>`);
    }
    return { name: metric, metric: metric as PromQuery['metric'], query };
  });
}

/** A repeatable flag's values, or its environment variable's `separator`-separated list. */
function listFlag(value: string[] | string, separator: string): string[] {
  const list = Array.isArray(value) ? value : value.split(separator);
  return list.map((v) => v.trim()).filter(Boolean);
}

/** PRESCIENT_CONFIG may hold several paths separated by commas. */
function configPaths(value: string[] | string | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export async function runServe(flags: ServeFlags): Promise<number> {
  const logger = createLogger(flags.logLevel);
  if (configPaths(flags.config).length === 0 && flags.configSource !== 'kubernetes') {
    logger.error('--config PATH... is required (YAML files or directories), unless --config-source kubernetes reads custom resources');
    return 1;
  }
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) {
    logger.error('--tls-cert and --tls-key go together: give both to serve xDS over TLS, or neither for plaintext');
    return 1;
  }
  let prometheus;
  let nodeGroups;
  let lrsIdentities: LrsIdentityRule[];
  try {
    lrsIdentities = listFlag(flags.lrsIdentity, ';').map(parseLrsIdentity);
    prometheus = flags.prometheusUrl ? { url: flags.prometheusUrl, queries: parsePromQueries(flags.prometheusQuery), intervalMs: flags.prometheusIntervalMs } : undefined;
    nodeGroups = flags.nodeGroup.map(parseNodeGroup);
  } catch (err) {
    logger.error((err as Error).message);
    return 1;
  }
  const adminHost = flags.adminAddress.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  if (!flags.adminToken && !['127.0.0.1', 'localhost', '::1'].includes(adminHost)) {
    logger.warn(
      { code: 'PRESCIENT_ADMIN_OPEN', adminAddress: flags.adminAddress },
      'the admin API (telemetry ingest, selection, debug) listens beyond loopback without --admin-token: anyone who reaches it can push telemetry that moves traffic',
    );
  }
  let prescient: Prescient;
  try {
    prescient = await Prescient.start({
      configPaths: configPaths(flags.config),
      ...(flags.configSource === 'kubernetes' && {
        customResources: { ...(flags.configNamespace && { namespace: flags.configNamespace }) },
      }),
      xdsAddress: flags.xdsAddress,
      adminAddress: flags.adminAddress,
      adminToken: flags.adminToken,
      tls: flags.tlsCert
        ? { certFile: flags.tlsCert, keyFile: flags.tlsKey!, caFile: flags.tlsCa, requireClientCert: flags.tlsRequireClientCert }
        : undefined,
      debounce: { quietMs: flags.debounceMs, maxDelayMs: Math.max(flags.debounceMs, flags.maxDebounceMs) },
      maxNewStreamsPerSecond: flags.maxNewStreams,
      lrsIntervalMs: flags.lrsIntervalMs,
      nodeGroups,
      xdsAccess: { lrsIdentities, operatorIdentities: listFlag(flags.operatorIdentity, ','), istiodIdentities: listFlag(flags.istiodIdentity, ','), allowRemoteUnauthenticatedLrs: flags.lrsAllowUnauthenticated },
      istio: flags.istio === false ? false : { namespace: flags.istioNamespace, domain: flags.istioDomain },
      scorer: flags.scorer
        ? {
            redisUrl: flags.redisUrl,
            modelPath: flags.model,
            provider: flags.provider,
            prometheus,
            featureStoreBudgetBytes: flags.featureStoreBudgetMb === undefined ? undefined : flags.featureStoreBudgetMb * 2 ** 20,
            ingestPerClientPerMinute: flags.ingestPerClientPerMinute,
            lrsMaxSourceShare: flags.lrsMaxSourceShare,
          }
        : false,
      ...(flags.dnsServer.length ? { resolver: { servers: flags.dnsServer } } : {}),
      ...(flags.auditFile ? { auditFile: flags.auditFile } : {}),
      ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.lease === 'kubernetes' ? { lease: { store: 'kubernetes' as const, ...(flags.leaseNamespace && { namespace: flags.leaseNamespace }) } } : {}),
      ...(flags.captureAddress
        ? {
            capture: {
              address: flags.captureAddress,
              dir: flags.captureDir,
              maxFileBytes: flags.captureMaxFileMb * 2 ** 20,
              maxFiles: flags.captureMaxFiles,
              bodyPrefixBytes: flags.captureBodyBytes,
              drop: flags.captureDropHeader,
              hash: flags.captureHashHeader,
              keep: flags.captureKeepHeader,
            },
          }
        : {}),
      logger,
    });
  } catch (err) {
    if (err instanceof InitialConfigError) {
      for (const m of err.messages) logger.error({ code: err.code }, m);
      logger.error(`initial configuration is invalid (${err.messages.length} error(s)); nothing was started`);
    } else logger.error({ err }, 'failed to start');
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await prescient.stop();
  return 0;
}
