/** Starts a real XdsServer on 127.0.0.1:0 with a fresh cache, and raw clients against it. */
import { ResourceCache } from '../../../xds-server/cache/resource-cache.ts';
import { NodeGroupResolver, type NodeGroupSelector } from '../../../xds-server/cache/node-groups.ts';
import { RenderTargets } from '../../../xds-server/pipeline/render-targets.ts';
import { XdsServer, type XdsServerOptions } from '../../../xds-server/transport/xds-server.ts';
import { RawXdsClient } from '../../support/raw-ads-client.ts';
import { nodeMessage, type TestNode } from '../../support/raw-ads-client.ts';
import { registry } from '../../../xds-server/metrics.ts';

export interface Harness {
  cache: ResourceCache;
  server: XdsServer;
  address: string;
  port: number;
  client: RawXdsClient;
  demands: { group: string; flavor: string }[];
  stop(): Promise<void>;
}

export async function startHarness(opts: Partial<XdsServerOptions> & { selectors?: NodeGroupSelector[]; listenHost?: string } = {}): Promise<Harness> {
  const demands: { group: string; flavor: string }[] = [];
  const cache = opts.cache ?? new ResourceCache();
  // Recorded as the root sees them: a group's first stream, when the group has no view yet.
  const targets = new RenderTargets((t) => {
    if (!cache.view(t.group)) demands.push({ group: t.group, flavor: t.flavor });
  });
  const server = new XdsServer({ resolver: new NodeGroupResolver(opts.selectors ?? []), onGroupDemand: (t) => targets.demand(t), ...opts, cache });
  const port = await server.listen(`${opts.listenHost ?? '127.0.0.1'}:0`);
  const address = `127.0.0.1:${port}`;
  const client = new RawXdsClient(address);
  return {
    cache,
    server,
    address,
    port,
    client,
    demands,
    async stop() {
      client.close();
      await server.close(200);
    },
  };
}

export const ENVOY_NODE: TestNode = { id: 'sidecar-1', cluster: 'web', user_agent_name: 'envoy' };
export const envoyNode = (id = 'sidecar-1'): object => nodeMessage({ ...ENVOY_NODE, id });

/** Current value of a counter (summing label sets that match `labels`). */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  if (!metric) return 0;
  return metric.values
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))
    .filter((v) => !('metricName' in v) || v.metricName === name || v.metricName === `${name}_count`)
    .reduce((sum, v) => sum + v.value, 0);
}
