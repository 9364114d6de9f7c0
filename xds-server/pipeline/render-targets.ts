/**
 * The node groups that have clients, each with the target it is rendered for. Streams report
 * their placement as they bind (transport's `onGroupDemand`); a group seen for the first time is
 * handed to `onNewGroup` so its first client does not wait for the push debounce.
 */
import type { RenderTarget } from '../translate/types.ts';

export class RenderTargets {
  private readonly byGroup = new Map<string, RenderTarget>();

  constructor(private readonly onNewGroup: (target: RenderTarget) => void) {}

  demand(target: RenderTarget): void {
    if (this.byGroup.has(target.group)) return;
    this.byGroup.set(target.group, target);
    this.onNewGroup(target);
  }

  all(): Iterable<RenderTarget> {
    return this.byGroup.values();
  }

  size(): number {
    return this.byGroup.size;
  }
}
