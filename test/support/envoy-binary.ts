/** The tests' Envoy binary: scripts/envoy/envoy-binary.ts (shared with bench:xds). */
export * from '../../scripts/envoy/envoy-binary.ts';
