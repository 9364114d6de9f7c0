/**
 * Holds the decision slices (api/decisions.ts), one per owner, and hands each producer the one
 * publisher that may replace its slice. A second publisher for an owner is refused, so two
 * modules can never overwrite each other's decisions. Every change is announced to `onChange`
 * (the root's debounced push).
 */
import type { DecisionSlice, Decisions, SlicePublisher } from '../../api/decisions.ts';
import { CodedError } from '../../api/coded-error.ts';

export class DecisionOwnerError extends CodedError<'PRESCIENT_DECISION_OWNER'> {
  constructor(message: string) {
    super('PRESCIENT_DECISION_OWNER', message);
  }
}

export class DecisionBoard {
  private slices = new Map<string, DecisionSlice>();
  private readonly owners = new Set<string>();

  constructor(private readonly onChange: (owner: string) => void) {}

  /** The publisher of `owner`'s slice; each owner gets exactly one. */
  publisher(owner: string): SlicePublisher {
    if (this.owners.has(owner)) throw new DecisionOwnerError(`the "${owner}" decision slice already has a producer`);
    this.owners.add(owner);
    return {
      owner,
      publish: (slice) => this.replace(owner, slice),
      clear: () => this.replace(owner, undefined),
    };
  }

  /** The current slices; a new map object after every change (an immutable snapshot). */
  decisions(): Decisions {
    return this.slices;
  }

  private replace(owner: string, slice: DecisionSlice | undefined): void {
    const next = new Map(this.slices);
    if (slice) next.set(owner, slice);
    else if (!next.delete(owner)) return;
    this.slices = next;
    this.onChange(owner);
  }
}
