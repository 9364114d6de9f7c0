/**
 * envoy.type.matcher.v3.NodeMatcher: the node id and every node metadata matcher must match
 * (AND); a ClientStatusRequest's list of them matches a node when any one does (OR), and an
 * empty list matches every node (csds.proto).
 */
import type { NodeMessage } from '../discovery-messages.ts';
import { compileStructMatcher, type StructMatcherMessage } from './metadata-matcher.ts';
import { compileStringMatcher, type StringMatcherMessage } from './string-matcher.ts';

export interface NodeMatcherMessage {
  node_id?: StringMatcherMessage | null;
  node_metadatas?: StructMatcherMessage[];
}

export type NodePredicate = (node: NodeMessage) => boolean;

/** `at` is the field path of the list, for error messages. */
export function compileNodeMatchers(matchers: readonly NodeMatcherMessage[], at = 'node_matchers'): NodePredicate {
  if (matchers.length === 0) return () => true;
  const compiled = matchers.map((m, i) => compileNodeMatcher(m, `${at}[${i}]`));
  return (node) => compiled.some((matches) => matches(node));
}

function compileNodeMatcher(m: NodeMatcherMessage, at: string): NodePredicate {
  const id = m.node_id ? compileStringMatcher(m.node_id, `${at}.node_id`) : undefined;
  const metadata = (m.node_metadatas ?? []).map((s, i) => compileStructMatcher(s, `${at}.node_metadatas[${i}]`));
  return (node) => (!id || id(node.id)) && metadata.every((matches) => matches(node.metadata));
}
