/**
 * The translate → validate → publish step for every node group that has clients. A rendered set
 * that fails validation is never published: the group keeps serving its previous resources and
 * the issues (naming the config document and path that caused them) are kept for /debug/config.
 * A snapshot that translate cannot render at all (it throws) is refused the same way, so one bad
 * group never stops the others from being published.
 */
import type { Logger } from '../log.ts';
import { xdsMetrics } from '../metrics.ts';
import type { ClientFlavor, RenderedSet, Snapshot } from '../translate/types.ts';
import { translate } from '../translate/index.ts';
import { formatIssue, type ValidationIssue } from '../validate/index.ts';
import { RenderingMemo } from './rendering-memo.ts';

/** What the publisher needs from the cache: publishing a rendered set for a group. */
export interface PublishTarget {
  publish(group: string, set: RenderedSet): void;
}

export interface PublishFailure {
  group: string;
  at: number;
  /** Empty when rendering itself failed; `messages` then holds the error. */
  issues: ValidationIssue[];
  messages: string[];
}

/** Prefix of the message recorded when translate throws instead of rendering. */
export const RENDER_FAILED = 'PRESCIENT_RENDER_FAILED';

/** A rendered set with its issues; no set (and one message) when translate threw. */
interface Rendering {
  set?: RenderedSet;
  issues: ValidationIssue[];
  messages: string[];
}

export class Publisher {
  private lastFailure: PublishFailure | undefined;
  private published = 0;
  private readonly memo = new RenderingMemo();

  constructor(
    private readonly cache: PublishTarget,
    private readonly logger: Logger,
  ) {}

  /** Renders and publishes one group; returns false when validation refused the set. */
  publishGroup(group: string, flavor: ClientFlavor, snapshot: Snapshot): boolean {
    const { set, issues, messages } = this.render(group, snapshot, flavor);
    if (!set || messages.length > 0) {
      this.lastFailure = { group, at: snapshot.now, issues, messages };
      xdsMetrics.publishRejected.inc();
      this.logger.error({ group, issues: messages.slice(0, 20), count: messages.length }, 'rendered resources failed validation; previous resources keep serving');
      return false;
    }
    this.cache.publish(group, set);
    this.published++;
    return true;
  }

  /** Renders every group some client has asked for from one snapshot. */
  publishAll(groups: ReadonlyMap<string, ClientFlavor>, snapshot: Snapshot): { published: number; refused: number } {
    const end = xdsMetrics.pushSeconds.startTimer();
    let published = 0;
    let refused = 0;
    for (const [group, flavor] of groups) {
      if (this.publishGroup(group, flavor, snapshot)) published++;
      else refused++;
    }
    if (refused === 0) this.lastFailure = undefined;
    end();
    return { published, refused };
  }

  /** Resources unchanged since the group's last rendering are neither validated nor encoded again. */
  private render(group: string, snapshot: Snapshot, flavor: ClientFlavor): Rendering {
    try {
      const set = this.memo.reuse(group, translate(snapshot, flavor));
      const issues = this.memo.validate(set);
      return { set, issues, messages: issues.map(formatIssue) };
    } catch (err) {
      return { issues: [], messages: [`${RENDER_FAILED}: cannot render for ${flavor} clients: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }

  status(): { publishes: number; lastFailure?: PublishFailure } {
    return { publishes: this.published, lastFailure: this.lastFailure };
  }
}
