/** Links rendered resources back to the config documents (and JSON paths) that produced them. */
import type { Document, Kind } from '../../api/config.ts';
import type { ResourceOrigin } from './types.ts';

export function originOf(doc: Document<Kind, unknown>, path = 'spec'): ResourceOrigin {
  return { kind: doc.kind, name: doc.metadata.name, file: doc.origin.file, documentIndex: doc.origin.documentIndex, path };
}

/** Proto field path prefix → config JSON path, filled while a resource is built. */
export type FieldOriginMap = Map<string, string>;
