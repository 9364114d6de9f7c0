/** A validation issue, tied to the config document and JSON path that produced it. */
import type { TypeUrl } from '../envoy/type-urls.ts';
import { messageName } from '../envoy/type-urls.ts';
import type { RenderedResource, ResourceOrigin } from '../translate/types.ts';
import type { IssueCode } from './codes.ts';
import type { RawIssue } from './sink.ts';

export interface ValidationIssue {
  readonly code: IssueCode;
  readonly typeUrl: TypeUrl;
  readonly resourceName: string;
  /** Proto field path inside the resource, e.g. `endpoints[0].lb_endpoints[1].load_balancing_weight`. */
  readonly fieldPath: string;
  /** The rule that failed, e.g. `uint32.gte`, `repeated.min_items`, `oneof.required`. */
  readonly rule: string;
  readonly message: string;
  /** The document (and path inside it) that produced the offending field. */
  readonly origin: ResourceOrigin;
}

/** Whether `prefix` is `path` or a whole-segment prefix of it (`a[1]` is not a prefix of `a[10]`). */
function isPathPrefix(prefix: string, path: string): boolean {
  if (!path.startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  return next === '' || next === '.' || next === '[';
}

/** The resource's origin, with its path narrowed by the longest matching `fieldOrigins` entry. */
export function refineOrigin(resource: RenderedResource, fieldPath: string): ResourceOrigin {
  let best: string | undefined;
  let bestLength = -1;
  for (const [prefix, configPath] of resource.fieldOrigins ?? []) {
    if (prefix.length > bestLength && isPathPrefix(prefix, fieldPath)) {
      best = configPath;
      bestLength = prefix.length;
    }
  }
  return best === undefined ? resource.origin : { ...resource.origin, path: best };
}

export function toIssue(resource: RenderedResource, raw: RawIssue, origin: ResourceOrigin = refineOrigin(resource, raw.fieldPath)): ValidationIssue {
  return { ...raw, typeUrl: resource.typeUrl, resourceName: resource.name, origin };
}

/**
 * One line naming the config file, document index, kind/name and JSON path first (what the
 * admin edits), then the rendered resource and rule (what Envoy would have rejected).
 */
export function formatIssue(issue: ValidationIssue): string {
  const o = issue.origin;
  const resource = `${messageName(issue.typeUrl).split('.').pop()} "${issue.resourceName}"`;
  const field = issue.fieldPath ? ` field ${issue.fieldPath}` : '';
  return `${o.file} document ${o.documentIndex} (${o.kind} ${o.name}) at ${o.path}: ${issue.code} [${issue.rule}] ${resource}${field}: ${issue.message}`;
}
