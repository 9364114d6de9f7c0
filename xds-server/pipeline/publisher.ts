/**
 * The translate → validate → publish step for every node group that has clients. A rendered set
 * that fails validation is never published: the group keeps serving its previous resources and
 * the issues (naming the config document and path that caused them) are kept for /debug/config.
 */
import type { Logger } from '../log.ts';
import { xdsMetrics } from '../metrics.ts';
import type { ClientFlavor, Snapshot } from '../translate/types.ts';
import { translate } from '../translate/index.ts';
import { formatIssue, validateResources, type ValidationIssue } from '../validate/index.ts';

/** What the publisher needs from the cache: publishing a rendered set for a group. */
export interface PublishTarget {
  publish(group: string, set: ReturnType<typeof translate>): void;
}

export interface PublishFailure {
  group: string;
  at: number;
  issues: ValidationIssue[];
  messages: string[];
}

export class Publisher {
  private readonly groups = new Map<string, ClientFlavor>();
  private lastFailure: PublishFailure | undefined;
  private published = 0;

  constructor(
    private readonly cache: PublishTarget,
    private readonly logger: Logger,
  ) {}

  /** Registers a node group (on first demand); it is rendered by the next `publishAll`. */
  addGroup(group: string, flavor: ClientFlavor): void {
    this.groups.set(group, flavor);
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /** Renders and publishes one group; returns false when validation refused the set. */
  publishGroup(group: string, snapshot: Snapshot): boolean {
    const flavor = this.groups.get(group);
    if (!flavor) throw new Error(`unknown node group ${group}`);
    const set = translate(snapshot, flavor);
    const issues = validateResources(set);
    if (issues.length > 0) {
      const messages = issues.map(formatIssue);
      this.lastFailure = { group, at: snapshot.now, issues, messages };
      xdsMetrics.publishRejected.inc();
      this.logger.error({ group, issues: messages.slice(0, 20), count: issues.length }, 'rendered resources failed validation; previous resources keep serving');
      return false;
    }
    this.cache.publish(group, set);
    this.published++;
    return true;
  }

  /** Renders every known group from one snapshot. */
  publishAll(snapshot: Snapshot): { published: number; refused: number } {
    const end = xdsMetrics.pushSeconds.startTimer();
    let published = 0;
    let refused = 0;
    for (const group of this.groups.keys()) {
      if (this.publishGroup(group, snapshot)) published++;
      else refused++;
    }
    if (refused === 0) this.lastFailure = undefined;
    end();
    return { published, refused };
  }

  status(): { groups: Record<string, ClientFlavor>; publishes: number; lastFailure?: PublishFailure } {
    return { groups: Object.fromEntries(this.groups), publishes: this.published, lastFailure: this.lastFailure };
  }
}
