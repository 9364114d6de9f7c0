/**
 * The feature store contract lives in api/telemetry.ts (every decide-stage module reads it); the
 * scorer's own files import it from here.
 */
export type { FeatureStore, MetricName, Observation, WindowReader } from '../../api/telemetry.ts';
