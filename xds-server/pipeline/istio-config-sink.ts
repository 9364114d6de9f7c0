/**
 * The model sink that renders Istio config for istiod (docs/istio.md): once per model, only while
 * some stream is subscribed to an Istio type (the cache asks for a render when the first one
 * arrives), translated by xds-server/translate/istio and encoded once into the MCP cache every
 * istiod stream reads. A model it cannot render is reported and counted; istiod keeps the last
 * good config.
 */
import type { MeshModel } from '../../api/mesh-model.ts';
import type { McpResourceCache } from '../cache/mcp-cache.ts';
import { ISTIO_KINDS } from '../istio/kinds.ts';
import type { IstioMetrics } from '../istio/metrics.ts';
import type { Logger } from '../log.ts';
import { translateIstio, type IstioNote, type IstioTranslateOptions } from '../translate/istio/index.ts';
import { istioOptionsProblem } from '../translate/istio/hosts.ts';
import { CodedError } from '../../api/coded-error.ts';
import type { ModelSink } from './model-sink.ts';

export interface IstioSinkStatus {
  enabled: true;
  options: IstioTranslateOptions;
  subscribed: boolean;
  /** Unix ms (the model's instant) of the last render; undefined before the first. */
  renderedAt?: number;
  resources: Record<string, number>;
  notes: readonly IstioNote[];
  lastError?: string;
}

export class IstioConfigSink implements ModelSink {
  readonly name = 'istio-config';
  private model: MeshModel | undefined;
  private notes: readonly IstioNote[] = [];
  private renderedAt: number | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly cache: McpResourceCache,
    private readonly options: IstioTranslateOptions,
    private readonly metrics: IstioMetrics,
    private readonly logger: Logger,
    /** The latest model, for a first subscriber arriving between pushes. */
    current: () => MeshModel,
  ) {
    const problem = istioOptionsProblem(options);
    // Every host would be invalid and istiod would drop every resource: refuse to start instead.
    if (problem) throw new CodedError('ISTIO_OPTIONS', `${problem}; fix --istio-namespace / --istio-domain`);
    cache.onDemand = () => this.render(this.model ?? current());
  }

  onModel(model: MeshModel): void {
    this.model = model;
    if (this.cache.demanded) this.render(model);
  }

  private render(model: MeshModel): void {
    this.model = model;
    try {
      const config = translateIstio(model, this.options);
      this.cache.publish(config);
      this.notes = config.notes;
      this.renderedAt = model.now;
      this.lastError = undefined;
      for (const kind of Object.keys(ISTIO_KINDS)) this.metrics.resources.set({ kind }, config.resources.filter((r) => r.kind === kind).length);
    } catch (err) {
      this.lastError = (err as Error).message;
      this.metrics.renderErrors.inc();
      this.logger.error({ code: 'ISTIO_RENDER_FAILED', err: this.lastError }, 'cannot render Istio config for istiod; it keeps the previous config');
    }
  }

  status(): IstioSinkStatus {
    return {
      enabled: true,
      options: this.options,
      subscribed: this.cache.demanded,
      ...(this.renderedAt !== undefined && { renderedAt: this.renderedAt }),
      resources: this.cache.counts(),
      notes: this.notes,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }
}
