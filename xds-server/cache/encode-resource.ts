/**
 * Encodes one rendered resource into the two wire forms the transport splices into responses:
 * a `google.protobuf.Any` (state of the world) and an `envoy.service.discovery.v3.Resource`
 * (delta). Both are built here exactly once per content version; transport never re-encodes.
 */
import protobuf from 'protobufjs';
import { lookupType } from '../envoy/protos.ts';
import { messageName, type TypeUrl } from '../envoy/type-urls.ts';
import type { RenderedResource } from '../translate/types.ts';
import type { EncodedResource } from './types.ts';
import { hashBytes } from './content-hash.ts';
import { CodedError } from '../../api/coded-error.ts';

/** Raised when a rendered message cannot be encoded (a translate bug: validation runs before). */
export class ResourceEncodeError extends CodedError<'XDS_CACHE_ENCODE'> {
  constructor(typeUrl: string, name: string, cause: unknown) {
    super('XDS_CACHE_ENCODE', `cannot encode ${typeUrl} "${name}": ${(cause as Error)?.message ?? cause}`);
  }
}

/** The encoded message bytes of a rendered resource (no Any wrapper). */
export function encodeMessage(resource: RenderedResource): Uint8Array {
  try {
    const type = lookupType(messageName(resource.typeUrl));
    return type.encode(type.fromObject(resource.message)).finish();
  } catch (err) {
    throw new ResourceEncodeError(resource.typeUrl, resource.name, err);
  }
}

// Field numbers of google.protobuf.Any and envoy.service.discovery.v3.Resource.
const ANY_TYPE_URL = (1 << 3) | 2;
const ANY_VALUE = (2 << 3) | 2;
const RESOURCE_VERSION = (1 << 3) | 2;
const RESOURCE_RESOURCE = (2 << 3) | 2;
const RESOURCE_NAME = (3 << 3) | 2;

/** Wraps already encoded message bytes; `version` is their content hash. */
export function buildEncodedResource(typeUrl: TypeUrl, name: string, message: Uint8Array, version = hashBytes(message)): EncodedResource {
  const any = protobuf.Writer.create().uint32(ANY_TYPE_URL).string(typeUrl).uint32(ANY_VALUE).bytes(message).finish();
  const deltaResource = protobuf.Writer.create()
    .uint32(RESOURCE_VERSION).string(version)
    .uint32(RESOURCE_RESOURCE).bytes(any)
    .uint32(RESOURCE_NAME).string(name)
    .finish();
  return Object.freeze({ typeUrl, name, version, any, deltaResource });
}
