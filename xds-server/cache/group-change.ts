/** What differs between two views of one group, per resource type. */
import { PUSH_ORDER, type TypeUrl } from '../envoy/type-urls.ts';
import type { GroupChange, GroupView } from './types.ts';

type TypeChange = { readonly updated: ReadonlySet<string>; readonly removed: ReadonlySet<string> };

export function diffViews(previous: GroupView, next: GroupView): GroupChange {
  const changes = new Map<TypeUrl, TypeChange>();
  for (const typeUrl of PUSH_ORDER) {
    const before = previous.resources(typeUrl);
    const after = next.resources(typeUrl);
    const updated = new Set<string>();
    const removed = new Set<string>();
    for (const [name, r] of after) if (before.get(name)?.version !== r.version) updated.add(name);
    for (const name of before.keys()) if (!after.has(name)) removed.add(name);
    if (updated.size || removed.size) changes.set(typeUrl, { updated, removed });
  }
  return { group: next.group, view: next, changes };
}
