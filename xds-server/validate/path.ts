/**
 * Proto field paths built as linked nodes while walking, and turned into strings
 * (`endpoints[0].lb_endpoints[1].load_balancing_weight`) only when an issue is reported, so a
 * clean walk allocates no strings.
 */
export interface PathNode {
  readonly parent: PathNode | undefined;
  /** A field name, an index into a repeated field, or a map key. */
  readonly segment: string | number;
  readonly isKey?: boolean;
}

export const ROOT: PathNode | undefined = undefined;

export function child(parent: PathNode | undefined, field: string): PathNode {
  return { parent, segment: field };
}

export function index(parent: PathNode | undefined, i: number): PathNode {
  return { parent, segment: i };
}

export function mapKey(parent: PathNode | undefined, key: string): PathNode {
  return { parent, segment: key, isKey: true };
}

export function pathString(node: PathNode | undefined): string {
  let out = '';
  for (let n = node; n; n = n.parent) {
    if (typeof n.segment === 'number') out = `[${n.segment}]${out}`;
    else if (n.isKey) out = `[${JSON.stringify(n.segment)}]${out}`;
    else out = n.parent ? `.${n.segment}${out}` : `${n.segment}${out}`;
  }
  return out;
}
