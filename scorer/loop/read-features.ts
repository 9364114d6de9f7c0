/**
 * Reads what one tick needs from the FeatureStore: the latest signals of every endpoint and the
 * latency windows of all of them in one row-major buffer (the ForecastBatch layout). Values older
 * than `staleAfterMs` count as missing. Gaps before a series' first value are filled with that
 * first value; a row with no value at all is marked so its forecast is ignored.
 */
import type { FeatureStore, MetricName, WindowReader } from '../features/types.ts';
import type { EndpointSignals } from '../score/types.ts';
import type { EndpointTable } from './endpoint-table.ts';

export interface TickFeatures {
  readonly signals: EndpointSignals[];
  /** `count × window` latency windows, NaN-free. */
  readonly windows: Float32Array;
  /** 1 where the row had no latency data at all. */
  readonly empty: Uint8Array;
  /** Latest observed latency per row (NaN when none), the "actual" for accuracy tracking. */
  readonly actual: Float32Array;
  readonly actualAt: Float64Array;
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

export function readFeatures(store: FeatureStore, table: EndpointTable, window: number, now: number, staleAfterMs: number): TickFeatures {
  const count = table.refs.length;
  const windows = new Float32Array(count * window);
  const empty = new Uint8Array(count);
  const actual = new Float32Array(count).fill(Number.NaN);
  const actualAt = new Float64Array(count);
  const signals: EndpointSignals[] = new Array(count);
  const fresh = (service: string, endpoint: string, metric: MetricName): number | undefined => {
    const v = store.latest(service, endpoint, metric);
    return v && now - v.at <= staleAfterMs ? v.value : undefined;
  };
  const direct = hasWindowInto(store) ? store : undefined;
  for (let row = 0; row < count; row++) {
    const { service, endpoint } = table.refs[row]!;
    if (direct) direct.windowInto(windows, row * window, service, endpoint, 'latency_ms', window, now);
    else windows.set(store.window(service, endpoint, 'latency_ms', window, now), row * window);
    if (!fillRow(windows, row * window, window)) empty[row] = 1;
    const latency = store.latest(service, endpoint, 'latency_ms');
    if (latency) {
      actual[row] = latency.value;
      actualAt[row] = latency.at;
    }
    const loss = fresh(service, endpoint, 'loss');
    signals[row] = {
      key: endpoint,
      available: loss === undefined || loss < 1,
      latencyMs: latency && now - latency.at <= staleAfterMs ? latency.value : undefined,
      latencyP99Ms: fresh(service, endpoint, 'latency_p99_ms'),
      errorRate: fresh(service, endpoint, 'error_rate'),
      utilisation: fresh(service, endpoint, 'cpu'),
      costPerHour: fresh(service, endpoint, 'cost_per_hour'),
    };
  }
  return { signals, windows, empty, actual, actualAt };
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
