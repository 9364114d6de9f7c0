/** What every per-type renderer receives and returns; the registry runs them in push order. */
import type { TypeUrl } from '../envoy/type-urls.ts';
import type { FieldOriginMap } from './origin.ts';
import type { RouteTable } from './route-tables.ts';
import type { ClientFlavor, RenderedResource, ResourceOrigin, Snapshot } from './types.ts';

export interface TranslateContext {
  readonly snapshot: Snapshot;
  readonly flavor: ClientFlavor;
  /** Computed once per translation; listeners and route configurations both read it. */
  readonly routeTables: readonly RouteTable[];
}

export interface ResourceRenderer {
  readonly typeUrl: TypeUrl;
  render(ctx: TranslateContext): RenderedResource[];
}

/**
 * A rendered resource. `message` is typed by the caller with the generated input type of its
 * proto (e.g. `Cluster`); the contract stores it as a plain record.
 */
export function renderedResource(
  typeUrl: TypeUrl,
  name: string,
  message: object,
  origin: ResourceOrigin,
  fieldOrigins?: FieldOriginMap,
): RenderedResource {
  return { typeUrl, name, message: message as Record<string, unknown>, origin, fieldOrigins };
}
