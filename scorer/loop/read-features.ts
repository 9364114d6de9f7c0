/**
 * Reads what one tick needs from the FeatureStore: the latest signals of every endpoint and the
 * latency windows of all of them in one row-major buffer (the ForecastBatch layout). Values older
 * than `staleAfterMs` count as missing (NaN). Gaps before a series' first value are filled with
 * that first value; a row with no value at all is marked so its forecast is ignored. Signals come
 * as one typed column per metric, not one object per endpoint: the tick builds each endpoint's
 * EndpointSignals once, with its forecast. *
 * The forecast windows (and the "actual" the accuracy tracker compares with) are request-path
 * latency (`request_latency_ms`, from load reports) for every endpoint of a service where any
 * endpoint has a fresh reading of it, and probe latency (`latency_ms`) otherwise: the two are not
 * comparable (a probe skips the request path), so a service never mixes them, and an endpoint with
 * no request-path reading in such a service has an empty window (its forecast is missing, scored
 * as typical). Both latest values are read as signals of their own.
 */
import type { FeatureStore, MetricName, WindowReader } from '../features/types.ts';
import type { EndpointTable } from './endpoint-table.ts';

export interface TickFeatures {
  /** `count × window` latency windows, NaN-free. */
  readonly windows: Float32Array;
  /** 1 where the row had no latency data at all. */
  readonly empty: Uint8Array;
  /** Latest observed latency per row (NaN when none), the "actual" for accuracy tracking. */
  readonly actual: Float32Array;
  readonly actualAt: Float64Array;
  /** Fresh signals per row, NaN when missing or stale. `latencyMs` is the probes'. */
  readonly latencyMs: Float64Array;
  readonly requestLatencyMs: Float64Array;
  readonly latencyP99Ms: Float64Array;
  readonly errorRate: Float64Array;
  readonly utilisation: Float64Array;
  readonly costPerHour: Float64Array;
  readonly loss: Float64Array;
}

function hasWindowInto(s: FeatureStore): s is FeatureStore & WindowReader {
  return typeof (s as Partial<WindowReader>).windowInto === 'function';
}

function fillRow(buf: Float32Array, start: number, length: number): boolean {
  let first = Number.NaN;
  for (let i = start; i < start + length; i++) {
    if (!Number.isNaN(buf[i]!)) {
      first = buf[i]!;
      break;
    }
  }
  if (Number.isNaN(first)) {
    buf.fill(0, start, start + length);
    return false;
  }
  let last = first;
  for (let i = start; i < start + length; i++) {
    if (Number.isNaN(buf[i]!)) buf[i] = last;
    else last = buf[i]!;
  }
  return true;
}

/**
 * Buffers of one tick, reused by the next one of the same size (a 100,000-endpoint window buffer
 * is 19 MB; allocating it every second costs a zero fill and garbage collections).
 */
export class FeatureBuffers {
  #features: TickFeatures | undefined;
  #window = 0;

  take(count: number, window: number): TickFeatures {
    const f = this.#features;
    if (f && f.empty.length === count && this.#window === window) {
      f.empty.fill(0);
      return f;
    }
    this.#window = window;
    const column = () => new Float64Array(count);
    this.#features = {
      windows: new Float32Array(count * window),
      empty: new Uint8Array(count),
      actual: new Float32Array(count),
      actualAt: new Float64Array(count),
      latencyMs: column(),
      requestLatencyMs: column(),
      latencyP99Ms: column(),
      errorRate: column(),
      utilisation: column(),
      costPerHour: column(),
      loss: column(),
    };
    return this.#features;
  }
}

/** Per row, the latency metric its service is scored on (see the header). */
function latencyMetrics(store: FeatureStore, table: EndpointTable, now: number, staleAfterMs: number): MetricName[] {
  const out: MetricName[] = new Array<MetricName>(table.refs.length);
  for (const svc of table.services) {
    let request = false;
    for (let row = svc.start; row < svc.end && !request; row++) {
      const { service, endpoint } = table.refs[row]!;
      const v = store.latest(service, endpoint, 'request_latency_ms');
      request = v !== undefined && now - v.at <= staleAfterMs;
    }
    out.fill(request ? 'request_latency_ms' : 'latency_ms', svc.start, svc.end);
  }
  return out;
}

export function readFeatures(
  store: FeatureStore,
  table: EndpointTable,
  window: number,
  now: number,
  staleAfterMs: number,
  buffers: FeatureBuffers = new FeatureBuffers(),
): TickFeatures {
  const count = table.refs.length;
  const f = buffers.take(count, window);
  const fresh = (service: string, endpoint: string, metric: MetricName): number => {
    const v = store.latest(service, endpoint, metric);
    return v && now - v.at <= staleAfterMs ? v.value : Number.NaN;
  };
  const direct = hasWindowInto(store) ? store : undefined;
  const metricOf = latencyMetrics(store, table, now, staleAfterMs);
  for (let row = 0; row < count; row++) {
    const { service, endpoint } = table.refs[row]!;
    const metric = metricOf[row]!;
    if (direct) direct.windowInto(f.windows, row * window, service, endpoint, metric, window, now);
    else f.windows.set(store.window(service, endpoint, metric, window, now), row * window);
    if (!fillRow(f.windows, row * window, window)) f.empty[row] = 1;
    const actual = store.latest(service, endpoint, metric);
    f.actual[row] = actual ? actual.value : Number.NaN;
    f.actualAt[row] = actual ? actual.at : 0;
    f.latencyMs[row] = fresh(service, endpoint, 'latency_ms');
    f.requestLatencyMs[row] = fresh(service, endpoint, 'request_latency_ms');
    f.loss[row] = fresh(service, endpoint, 'loss');
    f.latencyP99Ms[row] = fresh(service, endpoint, 'latency_p99_ms');
    f.errorRate[row] = fresh(service, endpoint, 'error_rate');
    f.utilisation[row] = fresh(service, endpoint, 'cpu');
    f.costPerHour[row] = fresh(service, endpoint, 'cost_per_hour');
  }
  return f;
}

/**
 * The last `length` steps of the `window`-long rows `rows` (for a forecaster with a shorter
 * window, or a subset of rows), packed row after row; the buffer itself when that is all of it.
 */
export function gatherWindows(windows: Float32Array, window: number, length: number, rows: Uint32Array, count: number): Float32Array {
  if (length === window && rows.length === count) return windows;
  const out = new Float32Array(rows.length * length);
  for (let i = 0; i < rows.length; i++) {
    const end = (rows[i]! + 1) * window;
    out.set(windows.subarray(end - length, end), i * length);
  }
  return out;
}
