/**
 * LDS. Envoy binds a socket listener for every route table that asks for one. Proxyless gRPC
 * resolves `xds:///<host>` by asking for a Listener named `<host>` that carries an api_listener,
 * so it gets one per host of every route table (implicit per-service tables included).
 */
import type { Listener } from '../envoy/generated/envoy/config/listener/v3/Listener.ts';
import { TYPE_URL } from '../envoy/type-urls.ts';
import { httpConnectionManager } from './http-connection-manager.ts';
import { apiListenerName, HTTP_CONNECTION_MANAGER_FILTER, socketListenerName } from '../model/names.ts';
import { originOf } from './origin.ts';
import { renderedResource, type ResourceRenderer, type TranslateContext } from './renderer.ts';
import type { ModelRouteTable } from '../../api/mesh-model.ts';
import type { RenderedResource } from './types.ts';

function socketListener(table: ModelRouteTable): RenderedResource[] {
  const l = table.listener;
  if (!l) return [];
  const name = socketListenerName(l.address, l.port);
  const listener: Listener = {
    name,
    address: { socket_address: { address: l.address, port_value: l.port } },
    filter_chains: [{ filters: [{ name: HTTP_CONNECTION_MANAGER_FILTER, typed_config: httpConnectionManager(table.name) }] }],
  };
  return [renderedResource(TYPE_URL.listener, name, listener, originOf(table.document, l.path))];
}

function apiListeners(table: ModelRouteTable): RenderedResource[] {
  return table.domains.map((host, i) => {
    const name = apiListenerName(host);
    const listener: Listener = { name, api_listener: { api_listener: httpConnectionManager(table.name) } };
    return renderedResource(TYPE_URL.listener, name, listener, originOf(table.document, table.domainPath(i)));
  });
}

export const listenerRenderer: ResourceRenderer = {
  typeUrl: TYPE_URL.listener,
  render(ctx: TranslateContext): RenderedResource[] {
    return ctx.routeTables.flatMap(ctx.flavor === 'grpc' ? apiListeners : socketListener);
  },
};
