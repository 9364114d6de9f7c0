/**
 * The translate → validate → publish step for every node group that has clients. Groups whose
 * targets have the same render key (flavor and labels) share one rendering and its validation:
 * it is rendered once per push and published to each of them. A rendered set
 * that fails validation is never published: the group keeps serving its previous resources and
 * the issues (naming the config document and path that caused them) are kept for /debug/config.
 * A snapshot that translate cannot render at all (it throws) is refused the same way, so one bad
 * group never stops the others from being published.
 */
import type { Logger } from '../log.ts';
import { xdsMetrics, type XdsMetrics } from '../metrics.ts';
import type { MeshModel } from '../../api/mesh-model.ts';
import { renderKey, translateSteps, type RenderedResource, type RenderedSet, type RenderTarget } from '../translate/index.ts';
import { formatIssue, type ValidationIssue } from '../validate/index.ts';
import { RenderingMemo } from './rendering-memo.ts';
import { complete, TimeSlicer, type Steps } from './time-slicer.ts';

/** What the publisher needs from the cache: publishing a rendered set for a group. */
export interface PublishTarget {
  publish(group: string, set: RenderedSet): void;
  /** Optional: encode a resource ahead of the publish that carries it (ResourceCache.prepare). */
  prepare?(resource: RenderedResource): void;
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
  private renderings = 0;
  private readonly memo = new RenderingMemo();

  constructor(
    private readonly cache: PublishTarget,
    private readonly logger: Logger,
    private readonly metrics: XdsMetrics = xdsMetrics,
  ) {}

  /** Renders and publishes one group; returns false when validation refused the set. */
  publishGroup(target: RenderTarget, model: MeshModel): boolean {
    return this.publishRendering(target.group, this.render(target, model), model.now);
  }

  /**
   * Renders every target some client has asked for from one model: once per render key, then
   * published to every group with that key. Rendering, comparison with the previous rendering and
   * validation run in slices of one resource (a 50,000-endpoint mesh takes hundreds of ms), so the
   * serving thread keeps answering; each group's set is still published whole, in one step.
   */
  async publishAll(targets: Iterable<RenderTarget>, model: MeshModel): Promise<{ published: number; refused: number }> {
    const end = this.metrics.pushSeconds.startTimer();
    const slicer = new TimeSlicer();
    const shared = new Map<string, Rendering>();
    let published = 0;
    let refused = 0;
    for (const target of [...targets]) {
      const key = renderKey(target);
      let rendering = shared.get(key);
      if (!rendering) shared.set(key, (rendering = await slicer.drive(this.renderSteps(target, model))));
      if (this.publishRendering(target.group, rendering, model.now)) published++;
      else refused++;
    }
    if (refused === 0) this.lastFailure = undefined;
    end();
    return { published, refused };
  }

  private publishRendering(group: string, { set, issues, messages }: Rendering, at: number): boolean {
    if (!set || messages.length > 0) {
      this.lastFailure = { group, at, issues, messages };
      this.metrics.publishRejected.inc();
      this.logger.error({ group, issues: messages.slice(0, 20), count: messages.length }, 'rendered resources failed validation; previous resources keep serving');
      return false;
    }
    this.cache.publish(group, set);
    this.published++;
    return true;
  }

  /** Resources unchanged since the key's last rendering are neither validated nor encoded again. */
  private render(target: RenderTarget, model: MeshModel): Rendering {
    return complete(this.renderSteps(target, model));
  }

  private *renderSteps(target: RenderTarget, model: MeshModel): Steps<Rendering> {
    this.renderings++;
    let set: RenderedSet;
    try {
      set = yield* this.memo.reuseSteps(renderKey(target), yield* translateSteps(model, target));
    } catch (err) {
      return { issues: [], messages: [`${RENDER_FAILED}: cannot render for ${target.flavor} clients: ${err instanceof Error ? err.message : String(err)}`] };
    }
    const issues = yield* this.memo.validateSteps(set);
    if (issues.length === 0 && this.cache.prepare) {
      for (const resources of set.values()) {
        for (const r of resources.values()) {
          this.cache.prepare(r);
          yield;
        }
      }
    }
    return { set, issues, messages: issues.map(formatIssue) };
  }

  /** `renderings` counts translate runs: fewer than publishes when groups share a render key. */
  status(): { publishes: number; renderings: number; lastFailure?: PublishFailure } {
    return { publishes: this.published, renderings: this.renderings, lastFailure: this.lastFailure };
  }
}
