/**
 * Every dynamic reference Prescient renders (a cluster's EDS, a listener's RDS) points back at
 * the same ADS stream, v3 API: clients then get make-before-break ordering for free (§4.2 rule 9).
 */
import type { ConfigSource } from '../envoy/generated/envoy/config/core/v3/ConfigSource.ts';

export function adsConfigSource(): ConfigSource {
  return { ads: {}, resource_api_version: 'V3' };
}
