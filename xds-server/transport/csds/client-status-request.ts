/**
 * Decoding and checking of a ClientStatusRequest. Node matchers are held to the
 * protoc-gen-validate rules of Envoy's matcher protos (the validator that guards publishing) and
 * compiled once per request; anything wrong is a CsdsRequestError naming the field.
 */
import { lookupType } from '../../envoy/protos.ts';
import { walkMessage } from '../../validate/message-validator.ts';
import { child, index, ROOT } from '../../validate/path.ts';
import { IssueSink } from '../../validate/sink.ts';
import { CsdsRequestError } from './csds-error.ts';
import { compileNodeMatchers, type NodeMatcherMessage, type NodePredicate } from './node-matcher.ts';

export interface ClientStatusQuery {
  /** Which connected clients to report on. */
  matches: NodePredicate;
  /** `exclude_resource_contents`: leave `xds_config` out. */
  excludeResourceContents: boolean;
}

/** Unset fields stay absent, so a oneof member that was on the wire (even `exact: ""`) is the one present. */
const TO_OBJECT = { defaults: false, longs: Number, enums: String, arrays: true } as const;
/** Issues quoted in one status message; a request with more is usually one mistake repeated. */
const MAX_ISSUES_SHOWN = 5;

export function parseClientStatusRequest(bytes: Uint8Array): ClientStatusQuery {
  const request = decode(bytes);
  const matchers = (request.node_matchers ?? []) as NodeMatcherMessage[];
  const matches = compileNodeMatchers(matchers);
  checkMatcherRules(matchers);
  return { matches, excludeResourceContents: request.exclude_resource_contents === true };
}

function decode(bytes: Uint8Array): Record<string, unknown> {
  const type = lookupType('envoy.service.status.v3.ClientStatusRequest');
  try {
    return type.toObject(type.decode(bytes), TO_OBJECT);
  } catch (err) {
    throw new CsdsRequestError('CSDS_MALFORMED_REQUEST', `not a ClientStatusRequest: ${(err as Error).message}`);
  }
}

function checkMatcherRules(matchers: readonly NodeMatcherMessage[]): void {
  const type = lookupType('envoy.type.matcher.v3.NodeMatcher');
  const sink = new IssueSink();
  matchers.forEach((m, i) => walkMessage(type, m as Record<string, unknown>, index(child(ROOT, 'node_matchers'), i), sink));
  if (sink.issues.length === 0) return;
  const shown = sink.issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => `${issue.fieldPath}: ${issue.message}`);
  const more = sink.issues.length - shown.length;
  throw new CsdsRequestError('CSDS_INVALID_MATCHER', shown.join('; ') + (more > 0 ? `; and ${more} more` : ''));
}
