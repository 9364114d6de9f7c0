/**
 * The answer to one ClientStatusRequest: a ClientConfig for every open xDS stream whose node the
 * request's matchers select. A client with several streams (per-type services) appears once per
 * stream, each with the types that stream serves.
 */
import type { GroupView } from '../../cache/types.ts';
import type { TypeUrl } from '../../envoy/type-urls.ts';
import type { XdsSession } from '../xds-session.ts';
import type { ClientConfigData } from './client-status-wire.ts';
import type { NodePredicate } from './node-matcher.ts';
import { resourceStatuses } from './resource-status.ts';

/** What CSDS reads of an open stream. */
export type InspectedStream = Pick<XdsSession<unknown>, 'status' | 'boundNode' | 'offered'>;

/** Streams that have not sent their first request have no node yet and are left out. */
export function clientConfigs(streams: Iterable<InspectedStream>, matches: NodePredicate, view: (group: string) => GroupView | undefined): ClientConfigData[] {
  const out: ClientConfigData[] = [];
  for (const stream of streams) {
    const node = stream.boundNode;
    if (!node || !matches(node)) continue;
    const status = stream.status();
    const groupView = status.group === undefined ? undefined : view(status.group);
    const configs = status.types.flatMap((type) => {
      const offered = stream.offered(type.typeUrl as TypeUrl);
      return offered ? resourceStatuses(type, offered, groupView) : [];
    });
    out.push({ node, configs });
  }
  return out;
}
