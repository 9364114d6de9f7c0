/**
 * Makes a push cost what changed: translate renders every resource afresh, so without this a
 * one-cluster weight change re-validates and re-encodes the whole mesh.
 *
 * `reuse` swaps each freshly rendered resource whose content equals the group's previous
 * rendering of it for that previous object. Identity then carries the earlier work forward: the
 * proto-rule issues memoised here per object, and the cache's encoding memo (also per object).
 * Cross references are checked on the whole set every time: they relate resources to each other,
 * and they are cheap set lookups.
 */
import type { TypeUrl } from '../envoy/type-urls.ts';
import type { RenderedResource, RenderedSet } from '../translate/types.ts';
import { checkCrossReferences } from '../validate/cross-references.ts';
import { validateResource, type ValidationIssue } from '../validate/index.ts';
import { complete, type Steps } from './time-slicer.ts';

export class RenderingMemo {
  /** Per render key (targets with equal flavor and labels), the last rendering seen. */
  private readonly previous = new Map<string, RenderedSet>();
  /** Rendered objects are immutable, so their issues never change. */
  private readonly issues = new WeakMap<RenderedResource, readonly ValidationIssue[]>();

  /** `set` with every resource equal to the key's previous rendering of it replaced by that object. */
  reuse(key: string, set: RenderedSet): RenderedSet {
    return complete(this.reuseSteps(key, set));
  }

  /** `reuse`, pausing after each resource compared (a 10,000-endpoint assignment is one). */
  *reuseSteps(key: string, set: RenderedSet): Steps<RenderedSet> {
    const before = this.previous.get(key);
    const out = new Map<TypeUrl, ReadonlyMap<string, RenderedResource>>();
    for (const [typeUrl, resources] of set) {
      const earlier = before?.get(typeUrl);
      const kept = new Map<string, RenderedResource>();
      for (const [name, r] of resources) {
        const old = earlier?.get(name);
        kept.set(name, old && sameContent(old, r) ? old : r);
        yield;
      }
      out.set(typeUrl, kept);
    }
    this.previous.set(key, out);
    return out;
  }

  /** Every issue of the set, as `validateResources` reports them; proto rules run once per object. */
  validate(set: RenderedSet): ValidationIssue[] {
    return complete(this.validateSteps(set));
  }

  /** `validate`, pausing after each resource. */
  *validateSteps(set: RenderedSet): Steps<ValidationIssue[]> {
    const issues: ValidationIssue[] = [];
    for (const resources of set.values()) {
      for (const r of resources.values()) {
        issues.push(...this.issuesOf(r));
        yield;
      }
    }
    issues.push(...checkCrossReferences(set));
    return issues;
  }

  private issuesOf(r: RenderedResource): readonly ValidationIssue[] {
    let found = this.issues.get(r);
    if (!found) this.issues.set(r, (found = validateResource(r)));
    return found;
  }
}

/**
 * Deep equality of rendered data: plain objects, arrays, primitives (NaN equals NaN, -0 does not
 * equal 0), byte arrays and maps. Exact, unlike comparing JSON, which cannot tell NaN from null.
 */
export function sameContent(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameContent(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Uint8Array) return Buffer.compare(a, b as Uint8Array) === 0;
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [k, v] of a) if (!other.has(k) || !sameContent(v, other.get(k))) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (!Object.hasOwn(y, k) || !sameContent(x[k], y[k])) return false;
    keys++;
  }
  for (const _ in y) keys--;
  return keys === 0;
}
