/**
 * A client broke the xDS protocol; the stream ends with INVALID_ARGUMENT and the stable code in
 * the status message. Codes are documented next to the rule they enforce.
 */
import { CodedError } from '../../api/coded-error.ts';

export type ProtocolErrorCode =
  /** An ADS request without type_url (DESIGN §4.2 rule 1). */
  | 'XDS_MISSING_TYPE_URL'
  /** A per-type service (e.g. ClusterDiscoveryService) received another type. */
  | 'XDS_TYPE_URL_MISMATCH'
  /** A stream asked for Istio config and its peer is not an allowed istiod identity (PERMISSION_DENIED). */
  | 'XDS_ISTIO_CONFIG_FORBIDDEN';

export class XdsProtocolError extends CodedError<ProtocolErrorCode> {}
