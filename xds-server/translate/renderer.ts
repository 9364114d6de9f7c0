/** What every per-type renderer receives and returns; the registry runs them in push order. */
import type { MeshModel, ModelCluster, ModelRouteTable } from '../../api/mesh-model.ts';
import type { TypeUrl } from '../envoy/type-urls.ts';
import type { FieldOriginMap } from './origin.ts';
import type { ClientFlavor, RenderedResource, RenderTarget, ResourceOrigin } from './types.ts';

export interface TranslateContext {
  readonly model: MeshModel;
  readonly target: RenderTarget;
  readonly flavor: ClientFlavor;
  /** The clusters this target may see (audience matched), in model order. */
  readonly clusters: readonly ModelCluster[];
  /** The route tables this target gets; listeners and route configurations both read them. */
  readonly routeTables: readonly ModelRouteTable[];
}

export interface ResourceRenderer {
  readonly typeUrl: TypeUrl;
  /** May be lazy (a generator): `translateSteps` pauses between the resources it yields. */
  render(ctx: TranslateContext): Iterable<RenderedResource>;
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
