/**
 * Resolves the host names Service endpoints are written with, for clients that accept only IP
 * addresses (proxyless gRPC reads EDS addresses as IPs). Each name is re-resolved when its
 * records' TTL runs out (bounded by `minRefreshMs`/`maxRefreshMs`); when a resolution fails or
 * comes back empty, the last good answer stays in force and the failure is reported, so a DNS
 * outage does not withdraw endpoints that are still there.
 *
 * Uses Node's own resolver (c-ares): the system's name servers by default, or `servers`. A fresh
 * resolver per round, so no answer is served from a cache past the TTL the server gave.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface NameResolverClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): () => void;
}

export interface ResolvedName {
  readonly name: string;
  /** Last good answer (IPv4 first, then IPv6, each sorted); empty until one arrives. */
  readonly addresses: readonly string[];
  /** Unix ms of the last good answer. */
  readonly resolvedAt?: number;
  /** Smallest TTL in the last good answer, seconds. */
  readonly ttlSeconds?: number;
  /** Unix ms of the next resolution. */
  readonly nextAt: number;
  /** The last resolution failed (or was empty) and `addresses` is the answer before it. */
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: number };
}

export interface NameResolverOptions {
  readonly clock: NameResolverClock;
  /** `host:port` or `host` of name servers; default the system's. */
  readonly servers?: readonly string[];
  /** Called after any name's addresses changed (not on failures that keep the last answer). */
  readonly onChange: () => void;
  /** Called when a name that resolved fine (or never resolved) starts failing; not on every retry. */
  readonly onFailure?: (r: ResolvedName) => void;
  /** Floor of the refresh interval (a TTL of 0 would otherwise spin). Default 1000 ms. */
  readonly minRefreshMs?: number;
  /** Ceiling of the refresh interval. Default 300 s. */
  readonly maxRefreshMs?: number;
  /** Wait after a failure. Default 2000 ms. */
  readonly retryMs?: number;
  /** Per query. Default 2000 ms. */
  readonly timeoutMs?: number;
}

export const RESOLVE_ERROR = 'PRESCIENT_DNS_RESOLVE';

export class NameResolver {
  private readonly names = new Map<string, ResolvedName>();
  private readonly timers = new Map<string, () => void>();
  private running = false;

  constructor(private readonly o: NameResolverOptions) {}

  /** The names to keep resolved; new ones are resolved at once, dropped ones forgotten. */
  setNames(names: Iterable<string>): void {
    const wanted = new Set([...names].map((n) => n.toLowerCase().replace(/\.$/, '')).filter((n) => isIP(n) === 0));
    for (const name of [...this.names.keys()]) {
      if (wanted.has(name)) continue;
      this.names.delete(name);
      this.timers.get(name)?.();
      this.timers.delete(name);
    }
    for (const name of wanted) {
      if (this.names.has(name)) continue;
      this.names.set(name, { name, addresses: [], nextAt: this.o.clock.now() });
      if (this.running) this.schedule(name, 0);
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const name of this.names.keys()) this.schedule(name, 0);
  }

  stop(): void {
    this.running = false;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  get(name: string): ResolvedName | undefined {
    return this.names.get(name.toLowerCase().replace(/\.$/, ''));
  }

  snapshot(): ReadonlyMap<string, ResolvedName> {
    return new Map(this.names);
  }

  /** Resolves one name now (also what the timers run). */
  async resolve(name: string): Promise<ResolvedName | undefined> {
    const before = this.names.get(name);
    if (!before) return undefined;
    const now = () => this.o.clock.now();
    let next: ResolvedName;
    try {
      const { addresses, ttl } = await this.query(name);
      if (addresses.length === 0) throw Object.assign(new Error(`${name} has no A or AAAA records`), { code: 'ENODATA' });
      const refresh = Math.min(this.o.maxRefreshMs ?? 300_000, Math.max(this.o.minRefreshMs ?? 1000, ttl * 1000));
      next = { name, addresses, resolvedAt: now(), ttlSeconds: ttl, nextAt: now() + refresh };
    } catch (err) {
      const e = err as Error & { code?: string };
      const kept = before.addresses.length ? `; keeping the last answer (${before.addresses.join(', ')})` : '';
      next = {
        ...before,
        nextAt: now() + (this.o.retryMs ?? 2000),
        lastError: { code: RESOLVE_ERROR, message: `resolving ${name} failed: ${e.code ?? ''} ${e.message}${kept}`.replace(/\s+/g, ' '), at: now() },
      };
    }
    if (!this.names.has(name)) return undefined;
    this.names.set(name, next);
    if (this.running) this.schedule(name, next.nextAt - now());
    if (next.addresses.join() !== before.addresses.join()) this.o.onChange();
    if (next.lastError && !before.lastError) this.o.onFailure?.(next);
    return next;
  }

  private schedule(name: string, delayMs: number): void {
    this.timers.get(name)?.();
    this.timers.set(name, this.o.clock.setTimeout(() => void this.resolve(name), Math.max(0, delayMs)));
  }

  private async query(name: string): Promise<{ addresses: string[]; ttl: number }> {
    const resolver = new Resolver({ timeout: this.o.timeoutMs ?? 2000, tries: 2 });
    if (this.o.servers?.length) resolver.setServers([...this.o.servers]);
    const settle = <T>(p: Promise<T>) =>
      p.then(
        (v) => ({ ok: true as const, v }),
        (e: Error & { code?: string }) => ({ ok: false as const, e }),
      );
    const [v4, v6] = await Promise.all([settle(resolver.resolve4(name, { ttl: true })), settle(resolver.resolve6(name, { ttl: true }))]);
    // "No such record" for one family is an answer; any other error in both is a failure.
    const benign = (e: { code?: string }) => e.code === 'ENODATA' || e.code === 'ENOTFOUND';
    if (!v4.ok && !v6.ok && !(benign(v4.e) && benign(v6.e))) throw benign(v4.e) ? v6.e : v4.e;
    if (!v4.ok && !benign(v4.e)) throw v4.e;
    if (!v6.ok && !benign(v6.e)) throw v6.e;
    const records = [...(v4.ok ? v4.v : []), ...(v6.ok ? v6.v : [])];
    const ttl = records.length ? Math.min(...records.map((r) => r.ttl)) : 0;
    const sort = (xs: { address: string }[]) => xs.map((r) => r.address).sort();
    return { addresses: [...sort(v4.ok ? v4.v : []), ...sort(v6.ok ? v6.v : [])], ttl };
  }
}
