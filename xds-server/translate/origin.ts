/** Links rendered resources back to the config documents (and JSON paths) that produced them. */
import type { Document, Kind } from '../../api/config.ts';
import type { ModelOrigin } from '../../api/mesh-model.ts';
import type { ResourceOrigin } from './types.ts';

export function originOf(doc: Document<Kind, unknown>, path = 'spec'): ResourceOrigin {
  return { kind: doc.kind, name: doc.metadata.name, file: doc.origin.file, documentIndex: doc.origin.documentIndex, path };
}

/**
 * Origin of a model element: its document, or for a decided element the slice that decided it
 * (reported as kind `Decision`, named `<owner>/<name>`, with no file).
 */
export function originOfModel(origin: ModelOrigin, path = 'spec'): ResourceOrigin {
  if (origin.source === 'config') return originOf(origin.document, path);
  return { kind: 'Decision', name: `${origin.owner}/${origin.name}`, file: '', documentIndex: -1, path };
}

/** Proto field path prefix → config JSON path, filled while a resource is built. */
export type FieldOriginMap = Map<string, string>;
