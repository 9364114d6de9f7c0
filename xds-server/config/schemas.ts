/**
 * The JSON Schemas under `schemas/`: the single source of truth for what a document may say.
 * The loader validates with them and scripts/gen-crds.ts turns them into CRDs.
 *
 * Conventions: `<Kind>.schema.json` describes one kind (any file named so is picked up, so a new
 * kind needs no code here); `*.defs.json` hold shared `$defs` referenced by relative `$ref`. A kind
 * schema either describes the whole document (it has `properties.spec`) or only its spec, in
 * which case it is wrapped in the standard apiVersion/kind/metadata envelope.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type JsonSchema = Record<string, unknown>;

export const SCHEMA_DIR = fileURLToPath(new URL('./schemas/', import.meta.url));
export const SCHEMA_BASE_URI = 'https://prescient.dev/schemas/';
export const COMMON_DEFS_ID = `${SCHEMA_BASE_URI}common.defs.json`;

const KIND_FILE = /^([A-Z][A-Za-z0-9]*)\.schema\.json$/;
const DEFS_FILE = /\.defs\.json$/;

export interface SchemaSet {
  /** Shared definition resources, keyed by `$id`. */
  readonly defs: ReadonlyMap<string, JsonSchema>;
  /** Whole-document schema per kind, sorted by kind. */
  readonly kinds: ReadonlyMap<string, JsonSchema>;
}

function readJson(file: string): JsonSchema {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as JsonSchema;
  } catch (err) {
    throw new Error(`PRESCIENT_CONFIG_SCHEMA_FILE: cannot read JSON Schema ${file}: ${(err as Error).message}`);
  }
}

export function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Wraps a spec-only schema in the document envelope so every kind validates the same way. */
function asDocumentSchema(kind: string, schema: JsonSchema): JsonSchema {
  const id = `${SCHEMA_BASE_URI}${kind}.schema.json`;
  const props = schema.properties;
  // The dialect is ours to pick (draft 2020-12); a file written against draft-07 uses the same keywords.
  const { $schema: _dialect, ...body } = schema;
  if (isObject(props) && isObject(props.spec)) return { ...body, $id: schema.$id ?? id };
  const { $id: _ignored, $defs, definitions, title, ...spec } = body;
  return {
    $id: id,
    ...(title === undefined ? {} : { title }),
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { $ref: 'common.defs.json#/$defs/apiVersion' },
      kind: { type: 'string', enum: [kind] },
      metadata: { $ref: 'common.defs.json#/$defs/metadata' },
      spec,
    },
    additionalProperties: false,
    ...($defs === undefined ? {} : { $defs }),
    ...(definitions === undefined ? {} : { definitions }),
  };
}

export function readSchemaSet(dir: string = SCHEMA_DIR): SchemaSet {
  const defs = new Map<string, JsonSchema>();
  const kinds = new Map<string, JsonSchema>();
  for (const name of fs.readdirSync(dir).sort()) {
    const kind = KIND_FILE.exec(name)?.[1];
    if (kind) kinds.set(kind, asDocumentSchema(kind, readJson(path.join(dir, name))));
    else if (DEFS_FILE.test(name)) {
      const schema = readJson(path.join(dir, name));
      defs.set(String(schema.$id ?? `${SCHEMA_BASE_URI}${name}`), { ...schema, $id: schema.$id ?? `${SCHEMA_BASE_URI}${name}` });
    }
  }
  return { defs, kinds };
}

/** The spec schema of a whole-document kind schema. */
export function specSchema(documentSchema: JsonSchema): JsonSchema {
  const props = documentSchema.properties as Record<string, JsonSchema>;
  return props.spec;
}
