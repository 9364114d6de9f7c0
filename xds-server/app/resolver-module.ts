/**
 * Host-name endpoints for clients that accept only IP addresses (DESIGN §4.4): resolves every
 * Service endpoint address that is a host name, on its records' TTL, and publishes the answers as
 * the `resolver` decision slice (`resolvedNames`); the model turns each name into one endpoint
 * per address. A failed resolution keeps the last good answer and shows on /debug/modules.
 */
import type { MeshConfig } from '../../api/config.ts';
import type { Clock } from '../../api/clock.ts';
import type { SlicePublisher } from '../../api/decisions.ts';
import { NameResolver, type ResolvedName } from '../dns/name-resolver.ts';
import type { Logger } from '../log.ts';
import { isHostName } from '../model/resolved-endpoints.ts';
import type { PrescientModule } from './module.ts';

export interface ResolverOptions {
  /** Name servers (`host` or `host:port`); default the system's. */
  readonly servers?: readonly string[];
  /** Floor of the re-resolution interval. Default 1000 ms. */
  readonly minRefreshMs?: number;
}

export interface ResolverModuleDeps {
  readonly config: MeshConfig;
  readonly publisher: SlicePublisher;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Host names written as endpoint addresses anywhere in the config. */
export function endpointHostNames(config: MeshConfig): Set<string> {
  const names = new Set<string>();
  for (const doc of config.services.values()) for (const e of doc.spec.endpoints) if (isHostName(e.address)) names.add(e.address);
  return names;
}

export class ResolverModule implements PrescientModule {
  readonly name = 'resolver';
  private readonly resolver: NameResolver;
  // The empty answer counts as published: a mesh without host names never publishes this slice.
  private published = '[]';

  constructor(
    options: ResolverOptions,
    private readonly deps: ResolverModuleDeps,
  ) {
    this.resolver = new NameResolver({
      clock: deps.clock,
      ...(options.servers ? { servers: options.servers } : {}),
      ...(options.minRefreshMs !== undefined ? { minRefreshMs: options.minRefreshMs } : {}),
      onChange: () => this.publish(),
      onFailure: (r) => deps.logger.warn({ code: r.lastError!.code, name: r.name, err: r.lastError!.message }, 'host name resolution failed'),
    });
    this.resolver.setNames(endpointHostNames(deps.config));
  }

  onConfig(config: MeshConfig): void {
    this.resolver.setNames(endpointHostNames(config));
    this.publish();
  }

  start(): void {
    this.resolver.start();
  }

  stop(): void {
    this.resolver.stop();
    this.deps.publisher.clear();
  }

  private publish(): void {
    const resolved = new Map<string, readonly string[]>();
    for (const [name, r] of this.resolver.snapshot()) {
      if (r.addresses.length) resolved.set(name, r.addresses);
    }
    // Config reloads re-publish; an unchanged answer must not cause a push.
    const text = JSON.stringify([...resolved]);
    if (text === this.published) return;
    this.published = text;
    this.deps.publisher.publish({ resolvedNames: resolved });
  }

  status(): { names: ResolvedName[] } {
    return { names: [...this.resolver.snapshot().values()] };
  }
}
