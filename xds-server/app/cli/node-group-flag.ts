/**
 * `--node-group` values: `name=GROUP[,flavor=envoy|grpc][,node-id=REGEX][,cluster=C][,metadata.KEY=V]...[,label.KEY=V]...`.
 * Nodes matching every criterion are served from GROUP; the first matching flag wins; nodes
 * matching none are grouped by flavor. `label.KEY=V` attaches labels to the group's rendering
 * target (decided clusters with an audience are rendered only for matching groups). A regex containing a comma cannot be written here.
 */
import type { NodeGroupSelector } from '../../cache/node-groups.ts';

export function parseNodeGroup(value: string): NodeGroupSelector {
  const selector: NodeGroupSelector = { group: '' };
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    const key = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (i < 0 || !v) throw new Error(`--node-group "${value}": "${part}" is not KEY=VALUE`);
    if (key === 'name') selector.group = v;
    else if (key === 'flavor') {
      if (v !== 'envoy' && v !== 'grpc') throw new Error(`--node-group "${value}": flavor must be envoy or grpc, not "${v}"`);
      selector.flavor = v;
    } else if (key === 'node-id') selector.nodeId = v;
    else if (key === 'cluster') selector.cluster = v;
    else if (key.startsWith('metadata.') && key.length > 'metadata.'.length) selector.metadata = { ...selector.metadata, [key.slice('metadata.'.length)]: v };
    else if (key.startsWith('label.') && key.length > 'label.'.length) selector.labels = { ...selector.labels, [key.slice('label.'.length)]: v };
    else throw new Error(`--node-group "${value}": unknown key "${key}" (name, flavor, node-id, cluster, metadata.KEY, label.KEY)`);
  }
  if (!selector.group) throw new Error(`--node-group "${value}": name=GROUP is required`);
  return selector;
}
