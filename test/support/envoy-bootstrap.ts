/** Test Envoys' bootstraps, rendered from the shipped ones: scripts/envoy/envoy-bootstrap.ts (shared with bench:xds). */
export * from '../../scripts/envoy/envoy-bootstrap.ts';
