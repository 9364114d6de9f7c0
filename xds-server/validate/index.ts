/**
 * validate: nothing is published unless every resource satisfies Envoy's own protoc-gen-validate
 * rules (read by reflection from the loaded protos, Any payloads included) and the set's cross
 * references hold (DESIGN §4.3). Every issue names the config document and path behind it.
 */
import { lookupType } from '../envoy/protos.ts';
import { messageName } from '../envoy/type-urls.ts';
import type { RenderedResource, RenderedSet } from '../translate/types.ts';
import { checkCrossReferences } from './cross-references.ts';
import { toIssue, type ValidationIssue } from './issue.ts';
import { walkMessage } from './message-validator.ts';
import { ROOT } from './path.ts';
import { IssueSink } from './sink.ts';

export { ISSUE_CODES, type IssueCode } from './codes.ts';
export { formatIssue, type ValidationIssue } from './issue.ts';

/** Proto-rule issues of one resource (no cross references). */
export function validateResource(resource: RenderedResource): ValidationIssue[] {
  const sink = new IssueSink();
  walkMessage(lookupType(messageName(resource.typeUrl)), resource.message, ROOT, sink);
  return sink.issues.map((raw) => toIssue(resource, raw));
}

/** Every issue of the set; empty means it may be published. */
export function validateResources(set: RenderedSet): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const resources of set.values()) for (const r of resources.values()) issues.push(...validateResource(r));
  issues.push(...checkCrossReferences(set));
  return issues;
}
