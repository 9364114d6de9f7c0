/**
 * The last good mesh configuration and the outcome of the latest reload. A reload with any
 * error is refused as a whole: the previous configuration keeps serving. `lastReload` and
 * prescient_config_last_reload_success say whether the newest files are the ones serving;
 * `lastReloadError` keeps the most recent refusal, with its time, for reference.
 */
import type { MeshConfig } from '../../api/config.ts';
import { EMPTY_MESH_CONFIG, formatConfigError, type ConfigLoadResult } from '../config/index.ts';
import { NO_DISCOVERED_ENDPOINTS, withDiscoveredEndpoints, type DiscoveredEndpoints } from '../config/discovered-endpoints.ts';
import type { Logger } from '../log.ts';
import { xdsMetrics, type XdsMetrics } from '../metrics.ts';

export interface ReloadOutcome {
  ok: boolean;
  at: string;
  documents?: number;
  errors?: string[];
}

export class ConfigState {
  /** What the documents declare (the last good reload). */
  declared: MeshConfig = EMPTY_MESH_CONFIG;
  /** What every stage reads: `declared` with discovered endpoints filled in. */
  config: MeshConfig = EMPTY_MESH_CONFIG;
  private discovered: DiscoveredEndpoints = NO_DISCOVERED_ENDPOINTS;
  private activeSince: number | undefined;
  private documents = 0;
  private lastReload: ReloadOutcome | undefined;
  private lastError: ReloadOutcome | undefined;

  constructor(
    private readonly paths: readonly string[],
    private readonly metrics: XdsMetrics = xdsMetrics,
  ) {}

  accept(config: MeshConfig, documents: number, at: number): void {
    this.declared = config;
    this.config = withDiscoveredEndpoints(config, this.discovered);
    this.documents = documents;
    this.activeSince = at;
    this.lastReload = { ok: true, at: new Date(at).toISOString(), documents };
    this.metrics.configLastReloadSuccess.set(1);
  }

  /** Replaces the discovered endpoints (kept across reloads); true when the effective config changed. */
  setDiscovered(discovered: DiscoveredEndpoints): boolean {
    this.discovered = discovered;
    const next = withDiscoveredEndpoints(this.declared, discovered);
    if (next === this.config) return false;
    this.config = next;
    return true;
  }

  /** Applies a watcher result; returns true when the configuration changed. */
  reload(result: ConfigLoadResult, at: number, logger: Logger): boolean {
    if (result.ok) {
      this.accept(result.config, result.documents.length, at);
      this.metrics.configReloads.inc({ result: 'success' });
      logger.info({ documents: result.documents.length }, 'configuration reloaded');
      return true;
    }
    const errors = result.errors.map(formatConfigError);
    this.lastReload = this.lastError = { ok: false, at: new Date(at).toISOString(), errors };
    this.metrics.configReloads.inc({ result: 'error' });
    this.metrics.configLastReloadSuccess.set(0);
    logger.error({ errors }, 'configuration reload refused; the previous configuration keeps serving');
    return false;
  }

  status() {
    return {
      paths: this.paths,
      activeSince: this.activeSince ? new Date(this.activeSince).toISOString() : undefined,
      documents: this.documents,
      services: [...this.config.services.keys()],
      routes: [...this.config.routes.keys()],
      weightOverrides: this.config.weightOverrides.length,
      lastReload: this.lastReload,
      lastReloadError: this.lastError,
    };
  }
}
