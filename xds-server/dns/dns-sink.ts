/**
 * The DNS sink of the mesh model (DESIGN §8 "Dynamic DNS"): keeps every configured zone's names
 * pointed at healthy, well-scored endpoints with RFC 2136 updates signed with TSIG.
 *
 * One writer at a time: only the replica that holds the leader lease (`isWriter`) sends updates;
 * the others keep reporting status. On becoming the writer a zone is read from its server again,
 * since another replica may have written it. Syncs run one at a time, on every model change
 * (`notify`), on the writer's own schedule (hysteresis, retries) and every `tickMs` at least, so a
 * server that was down is caught up without a model change.
 */
import { DnsClient, type DnsServerAddress } from './dns-client.ts';
import type { DnsMetrics } from './metrics.ts';
import { loadTsigKey, type TsigKeyRef } from './tsig-key.ts';
import { ZoneWriter, type ZoneError, type ZoneStatus } from './zone-writer.ts';
import type { EndpointView, ZoneSettings } from './zone-planner.ts';

/** Structurally the shared `Clock` of api/clock.ts: Unix ms and cancellable timers. */
export interface SinkClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): () => void;
}

/** The part of the shared logger the sink uses. */
export interface SinkLog {
  error(obj: object, msg?: string): void;
}

/** One DnsZone document, resolved (durations in ms, names absolute). */
export interface DnsZoneConfig {
  /** Document name. */
  readonly id: string;
  readonly server: DnsServerAddress;
  readonly key: TsigKeyRef;
  readonly settings: ZoneSettings;
  readonly hysteresisMs: number;
  readonly maxUpdatesPerMinute: number;
  readonly timeoutMs: number;
  readonly attempts: number;
  /** See ZoneWriterOptions.rereadMs. */
  readonly rereadMs: number;
}

export interface DnsSinkOptions {
  readonly clock: SinkClock;
  readonly log: SinkLog;
  /** The current endpoint state (read at every sync). */
  readonly view: () => EndpointView;
  /** True while this replica holds the leader lease. Default: always (single replica). */
  readonly isWriter?: () => boolean;
  readonly metrics?: DnsMetrics;
  /** Longest time between syncs. Default 1000 ms. */
  readonly tickMs?: number;
  /** Where `env` key references are read. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Backoff base after a failed update. Default 500 ms. */
  readonly retryMs?: number;
  /** How often a zone whose TSIG key failed to load tries again (a key file mounted late). Default 10 s. */
  readonly keyRetryMs?: number;
}

export interface DnsZoneStatus extends Partial<ZoneStatus> {
  readonly id: string;
  readonly zone: string;
  readonly role: 'writer' | 'standby';
  /** Set when the zone cannot run at all (its TSIG key does not load). */
  readonly configError?: ZoneError;
}

interface ZoneEntry {
  readonly config: DnsZoneConfig;
  readonly writer?: ZoneWriter;
  readonly error?: ZoneError;
}

export class DnsSink {
  private writers = new Map<string, ZoneEntry>();
  private running = false;
  private cancel: (() => void) | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private wasWriter = false;
  private readonly tickMs: number;

  constructor(private readonly o: DnsSinkOptions) {
    this.tickMs = o.tickMs ?? 1000;
  }

  /** Applies a new set of zones; unchanged zones keep their writer (and what it knows). */
  async setZones(zones: readonly DnsZoneConfig[]): Promise<void> {
    const next = new Map<string, ZoneEntry>();
    for (const config of zones) {
      const old = this.writers.get(config.id);
      next.set(config.id, old?.writer && JSON.stringify(old.config) === JSON.stringify(config) ? old : await this.entry(config));
    }
    this.writers = next;
    this.notify();
  }

  /** A zone whose key does not load runs nothing and reports why; the key is tried again later. */
  private async entry(config: DnsZoneConfig): Promise<ZoneEntry> {
    try {
      const key = await loadTsigKey(config.key, this.o.env);
      const client = new DnsClient({ server: config.server, key, timeoutMs: config.timeoutMs, attempts: config.attempts, now: () => this.o.clock.now() });
      const writer = new ZoneWriter({
        id: config.id,
        settings: config.settings,
        client,
        hysteresisMs: config.hysteresisMs,
        maxUpdatesPerMinute: config.maxUpdatesPerMinute,
        rereadMs: config.rereadMs,
        ...(this.o.metrics ? { metrics: this.o.metrics } : {}),
        ...(this.o.retryMs !== undefined ? { retryMs: this.o.retryMs } : {}),
      });
      return { config, writer };
    } catch (err) {
      const e = err as Error & { code?: string };
      const error = { code: e.code ?? 'PRESCIENT_DNS_TSIG_KEY', message: e.message, at: this.o.clock.now() };
      this.o.log.error({ zone: config.id, code: error.code, err: e.message }, 'DNS zone cannot run');
      return { config, error };
    }
  }

  /** Zones whose key failed to load get another try every `keyRetryMs`. */
  private async retryKeys(): Promise<void> {
    const now = this.o.clock.now();
    for (const [id, z] of this.writers) {
      if (z.writer || !z.error || now - z.error.at < (this.o.keyRetryMs ?? 10_000)) continue;
      const next = await this.entry(z.config);
      if (this.writers.get(id) === z) this.writers.set(id, next);
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.notify();
  }

  /** Stops syncing; an update in flight finishes first. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancel?.();
    this.cancel = undefined;
    await this.inFlight;
  }

  /** The endpoint state changed: sync soon. */
  notify(): void {
    if (!this.running) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    this.cancel?.();
    this.cancel = this.o.clock.setTimeout(() => {
      this.cancel = undefined;
      this.inFlight = this.syncAll().finally(() => {
        this.inFlight = undefined;
        if (this.again && this.running) {
          this.again = false;
          this.schedule(0);
        }
      });
    }, delayMs);
  }

  /** One sync of every zone (tests and `notify` use it). */
  async syncAll(): Promise<void> {
    const writer = this.o.isWriter?.() ?? true;
    if (writer && !this.wasWriter) for (const z of this.writers.values()) z.writer?.resync();
    this.wasWriter = writer;
    await this.retryKeys();
    let nextAt = this.o.clock.now() + this.tickMs;
    // No zone, no work: the view covers every endpoint of the mesh.
    if (writer && [...this.writers.values()].some((z) => z.writer)) {
      const view = this.o.view();
      for (const z of this.writers.values()) {
        if (!z.writer) continue;
        try {
          const r = await z.writer.sync(view, this.o.clock.now());
          if (r.nextAt !== undefined) nextAt = Math.min(nextAt, r.nextAt);
        } catch (err) {
          this.o.log.error({ zone: z.config.id, err: (err as Error).message }, 'DNS sync failed');
        }
      }
    }
    if (this.running && !this.again) this.schedule(Math.max(0, nextAt - this.o.clock.now()));
  }

  status(): DnsZoneStatus[] {
    const role = this.wasWriter ? 'writer' : 'standby';
    return [...this.writers.values()].map((z) => ({
      id: z.config.id,
      ...(z.writer ? z.writer.status() : {}),
      zone: z.config.settings.zone,
      server: `${z.config.server.address}:${z.config.server.port}`,
      role,
      ...(z.error ? { configError: z.error } : {}),
    }));
  }
}
