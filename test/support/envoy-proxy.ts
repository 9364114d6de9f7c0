/**
 * A real Envoy 1.40 for tests (start on loopback from the shipped bootstrap, wait LIVE, read
 * /clusters, /config_dump and /stats, stop by PID). The implementation lives in
 * scripts/envoy/envoy-process.ts, because bench:xds runs the same Envoys and bench/ may not import
 * test/.
 */
export * from '../../scripts/envoy/envoy-process.ts';
