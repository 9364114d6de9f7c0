/**
 * Maps a client's Node (from the first request of its stream) to the node group whose view it is
 * served, and to the client flavor that view is rendered for. A thousand sidecars of one service
 * share one group and so one rendering (DESIGN §4.1).
 *
 * Flavor: node metadata `PRESCIENT_CLIENT` (`envoy` | `grpc`) wins; otherwise a user agent name
 * containing "grpc" means proxyless gRPC, anything else Envoy. Group: the first selector whose
 * every given criterion matches, else the flavor name.
 */
import { RE2JS } from 're2js';
import type { ClientFlavor, RenderTarget } from '../translate/types.ts';
import { CodedError } from '../../api/coded-error.ts';

/** The parts of an `envoy.config.core.v3.Node` that grouping looks at; metadata as plain JSON. */
export interface NodeIdentity {
  id: string;
  cluster: string;
  metadata: Record<string, unknown>;
  user_agent_name: string;
}

export interface NodeGroupSelector {
  /** Group name to serve matching nodes from. */
  group: string;
  /**
   * Flavor to render the group for. When absent it is detected per node and the group name gets a
   * `:envoy` / `:grpc` suffix, since one view is rendered for one flavor.
   */
  flavor?: ClientFlavor;
  /** Regular expression the whole node id must match. */
  nodeId?: string;
  /** Exact node cluster. */
  cluster?: string;
  /** Node metadata keys that must equal these string values. */
  metadata?: Record<string, string>;
  /**
   * Labels the group's rendering target carries: decided clusters with an audience (a sandbox's
   * cluster, a caller-specific scaffold) are rendered only for groups whose labels match.
   */
  labels?: Record<string, string>;
}

/** Where a node is served from: its group, and the target that group is rendered for. */
export type NodePlacement = RenderTarget;

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

export const CLIENT_FLAVOR_METADATA_KEY = 'PRESCIENT_CLIENT';

export class NodeGroupError extends CodedError<'XDS_NODE_GROUP_SELECTOR'> {
  constructor(message: string) {
    super('XDS_NODE_GROUP_SELECTOR', message);
  }
}

interface CompiledSelector extends NodeGroupSelector {
  /** RE2 (linear time): the node id comes from the client, so a backtracking engine could be stalled by it. */
  idPattern?: RE2JS;
}

export class NodeGroupResolver {
  private readonly selectors: CompiledSelector[];

  constructor(selectors: readonly NodeGroupSelector[] = []) {
    this.selectors = selectors.map((s, i) => {
      if (!s.group) throw new NodeGroupError(`selector ${i} has no group name`);
      try {
        return { ...s, idPattern: s.nodeId === undefined ? undefined : RE2JS.compile(s.nodeId) };
      } catch (err) {
        throw new NodeGroupError(`selector ${i} (${s.group}) nodeId is not a valid regular expression: ${(err as Error).message}`);
      }
    });
  }

  resolve(node: NodeIdentity): NodePlacement {
    const detected = detectFlavor(node);
    const selector = this.selectors.find((s) => matches(s, node));
    if (!selector) return { group: detected, flavor: detected, labels: NO_LABELS };
    const labels = selector.labels ?? NO_LABELS;
    if (selector.flavor) return { group: selector.group, flavor: selector.flavor, labels };
    // One view is rendered for one flavor, so Envoy and gRPC clients of a flavorless selector
    // land in sibling groups.
    return { group: `${selector.group}:${detected}`, flavor: detected, labels };
  }
}

export function detectFlavor(node: NodeIdentity): ClientFlavor {
  const declared = node.metadata[CLIENT_FLAVOR_METADATA_KEY];
  if (declared === 'envoy' || declared === 'grpc') return declared;
  return node.user_agent_name.toLowerCase().includes('grpc') ? 'grpc' : 'envoy';
}

function matches(s: CompiledSelector, node: NodeIdentity): boolean {
  if (s.idPattern && !s.idPattern.matches(node.id)) return false;
  if (s.cluster !== undefined && s.cluster !== node.cluster) return false;
  for (const [key, value] of Object.entries(s.metadata ?? {})) if (node.metadata[key] !== value) return false;
  return true;
}
