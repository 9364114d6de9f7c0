/**
 * What CSDS says about each resource a stream subscribes to, derived from the stream's protocol
 * state for the type and the node group's current view.
 *
 * The stream keeps one in-flight response, one ACKed version and one NACK per type, not per
 * resource, so per-resource answers read the type's state:
 *
 * - client_status: DOES_NOT_EXIST when the view lacks the name; else REQUESTED while a response
 *   of the type awaits ACK; NACKED when the last one was rejected; ACKED when the client was sent
 *   (or, in delta, reported holding) the resource; REQUESTED when it never was.
 * - config_status (the server's side): NOT_SENT when the client was never offered the view's
 *   current version (including names the view lacks: there is nothing to send); else STALE while
 *   unacknowledged, ERROR when rejected, SYNCED when ACKed.
 * - version_info is the type's ACKed version; error_state carries the last NACK while the type
 *   stands rejected. In an EDS/RDS state-of-the-world response only some resources travel, yet
 *   every resource of the type reads as in flight or rejected: the protocol does not say which.
 */
import type { EncodedResource, GroupView } from '../../cache/types.ts';
import type { TypeUrl } from '../../envoy/type-urls.ts';
import type { TypeStatus } from '../client-status.ts';
import type { OfferedState } from '../xds-session.ts';

export type ClientResourceStatus = 'REQUESTED' | 'DOES_NOT_EXIST' | 'ACKED' | 'NACKED';
export type ConfigStatus = 'SYNCED' | 'NOT_SENT' | 'STALE' | 'ERROR';

/** One `ClientConfig.GenericXdsConfig`, as plain data. */
export interface ResourceConfigStatus {
  typeUrl: TypeUrl;
  /** Empty for the one entry of a type with no resource to list (e.g. a wildcard on an empty view). */
  name: string;
  versionInfo: string;
  clientStatus: ClientResourceStatus;
  configStatus: ConfigStatus;
  errorState?: { details: string; versionInfo: string; at: number };
  /** Encoded google.protobuf.Any of the resource as last offered to the client, when held. */
  offeredAny?: Uint8Array;
}

interface Holding {
  /** The view has the resource; undefined while the group has no view yet. */
  inView: boolean | undefined;
  /** The client was offered (or reports holding) the resource. */
  held: boolean;
  /** What it was offered is the view's current version. */
  current: boolean;
}

export function resourceStatuses(type: TypeStatus, offered: OfferedState, view: GroupView | undefined): ResourceConfigStatus[] {
  const typeUrl = type.typeUrl as TypeUrl;
  const resources = view?.resources(typeUrl);
  const names = type.wildcard && resources ? [...new Set([...resources.keys(), ...type.names])] : type.names;
  if (names.length === 0) {
    const whole: Holding = { inView: view ? true : undefined, held: type.lastSent !== undefined, current: true };
    return [entry(type, offered, '', whole, undefined)];
  }
  return [...names].sort().map((name) => {
    const inView = resources?.get(name);
    const sent = offered.sent.get(name);
    const holding: Holding = { inView: resources ? inView !== undefined : undefined, held: sent !== undefined, current: inView !== undefined && sent?.version === inView.version };
    return entry(type, offered, name, holding, anyBytes(sent, inView));
  });
}

function entry(type: TypeStatus, offered: OfferedState, name: string, holding: Holding, offeredAny: Uint8Array | undefined): ResourceConfigStatus {
  const pending = type.pendingNonce !== undefined;
  const nack = offered.rejected ? type.lastNack : undefined;
  return {
    typeUrl: type.typeUrl as TypeUrl,
    name,
    versionInfo: type.ackedVersion ?? '',
    clientStatus: clientStatus(holding, pending, nack !== undefined),
    configStatus: configStatus(holding, pending, nack !== undefined),
    errorState: nack && { details: nack.message, versionInfo: nack.version, at: nack.at },
    offeredAny,
  };
}

function clientStatus(h: Holding, pending: boolean, rejected: boolean): ClientResourceStatus {
  if (h.inView === false) return 'DOES_NOT_EXIST';
  if (pending) return 'REQUESTED';
  if (rejected) return 'NACKED';
  return h.held ? 'ACKED' : 'REQUESTED';
}

function configStatus(h: Holding, pending: boolean, rejected: boolean): ConfigStatus {
  if (!h.inView || !h.held || !h.current) return 'NOT_SENT';
  if (pending) return 'STALE';
  return rejected ? 'ERROR' : 'SYNCED';
}

/** A delta client's reported holding has no bytes; at the view's version the view's bytes are the same content. */
function anyBytes(sent: EncodedResource | undefined, inView: EncodedResource | undefined): Uint8Array | undefined {
  if (!sent) return undefined;
  if (sent.any.length > 0) return sent.any;
  return inView && inView.version === sent.version ? inView.any : undefined;
}
