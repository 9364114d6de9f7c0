/** The immutable resources of one node group at one publish. */
import { PUSH_ORDER, type TypeUrl } from '../envoy/type-urls.ts';
import type { EncodedResource, GroupView } from './types.ts';
import { hashVersions } from './content-hash.ts';

const EMPTY: ReadonlyMap<string, EncodedResource> = new Map();

export class ImmutableGroupView implements GroupView {
  private readonly typeVersions = new Map<TypeUrl, string>();

  constructor(
    readonly group: string,
    private readonly byType: ReadonlyMap<TypeUrl, ReadonlyMap<string, EncodedResource>>,
  ) {}

  static empty(group: string): ImmutableGroupView {
    return new ImmutableGroupView(group, new Map());
  }

  resources(typeUrl: TypeUrl): ReadonlyMap<string, EncodedResource> {
    return this.byType.get(typeUrl) ?? EMPTY;
  }

  typeVersion(typeUrl: TypeUrl): string {
    let v = this.typeVersions.get(typeUrl);
    if (v === undefined) {
      v = hashVersions([...this.resources(typeUrl).values()].map((r) => [r.name, r.version] as const));
      this.typeVersions.set(typeUrl, v);
    }
    return v;
  }

  /** Every resource of every type, for reference counting. */
  *all(): Iterable<EncodedResource> {
    for (const t of PUSH_ORDER) yield* this.resources(t).values();
  }
}
