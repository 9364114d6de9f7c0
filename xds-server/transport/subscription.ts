/**
 * What one stream subscribes to for one resource type (DESIGN §4.2 rule 6).
 *
 * Wildcard: an initial LDS/CDS request with no names means "all" (legacy wildcard) and stays so
 * while the client keeps sending no names; an explicit `*` means all for any type and stays until
 * `*` is dropped. Sending concrete names without `*` ends legacy wildcard.
 */
export const WILDCARD = '*';

/** How a request changed a subscription; what the stream must re-examine follows from it. */
export interface SubscriptionChange {
  /** Concrete names newly subscribed. */
  readonly added: readonly string[];
  /** Concrete names no longer subscribed. */
  readonly removed: readonly string[];
  /** Wildcard started: every resource of the type came into scope. */
  readonly widened: boolean;
  /** Wildcard ended: resources outside the named ones left scope. */
  readonly narrowed: boolean;
}

export class Subscription {
  private wildcardMode: 'none' | 'legacy' | 'explicit' = 'none';
  private readonly named = new Set<string>();

  constructor(private readonly legacyWildcardAllowed: boolean) {}

  get wildcard(): boolean {
    return this.wildcardMode !== 'none';
  }

  /** Concrete names subscribed, wildcard or not. */
  get names(): ReadonlySet<string> {
    return this.named;
  }

  covers(name: string): boolean {
    return this.wildcard || this.named.has(name);
  }

  /**
   * State of the world: the request's names replace the subscription.
   * Returns the concrete names that were not subscribed before, and those that were dropped.
   */
  replace(names: readonly string[], first: boolean): SubscriptionChange {
    const wasWildcard = this.wildcard;
    const concrete = new Set(names.filter((n) => n !== WILDCARD));
    if (names.includes(WILDCARD)) this.wildcardMode = 'explicit';
    else if (concrete.size === 0 && this.legacyWildcardAllowed && (first || this.wildcardMode === 'legacy')) this.wildcardMode = 'legacy';
    else this.wildcardMode = 'none';
    const added = [...concrete].filter((n) => !this.named.has(n));
    const removed = [...this.named].filter((n) => !concrete.has(n));
    for (const n of removed) this.named.delete(n);
    for (const n of added) this.named.add(n);
    return this.changed(wasWildcard, added, removed);
  }

  /**
   * Delta: apply subscribe / unsubscribe lists. Every concrete name in `subscribe` counts as newly
   * subscribed (the client asks to be sent it, DESIGN §4.2 rule 7).
   */
  apply(subscribe: readonly string[], unsubscribe: readonly string[], first: boolean): SubscriptionChange {
    const wasWildcard = this.wildcard;
    if (first && subscribe.length === 0 && this.legacyWildcardAllowed) this.wildcardMode = 'legacy';
    const added = subscribe.filter((n) => n !== WILDCARD);
    if (subscribe.includes(WILDCARD)) this.wildcardMode = 'explicit';
    else if (added.length && this.wildcardMode === 'legacy') this.wildcardMode = 'none';
    if (unsubscribe.includes(WILDCARD)) this.wildcardMode = 'none';
    const removed: string[] = [];
    for (const n of unsubscribe) if (n !== WILDCARD && this.named.delete(n)) removed.push(n);
    for (const n of added) this.named.add(n);
    return this.changed(wasWildcard, added, removed);
  }

  private changed(wasWildcard: boolean, added: readonly string[], removed: readonly string[]): SubscriptionChange {
    return { added, removed, widened: !wasWildcard && this.wildcard, narrowed: wasWildcard && !this.wildcard };
  }
}
