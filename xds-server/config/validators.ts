/**
 * One ajv instance for every kind schema found under `schemas/`, compiled once per process.
 * ajv fills schema `default`s into the validated data (useDefaults), so a document that passes
 * is also a defaulted one. `x-prescient-messages` is an annotation read when formatting errors.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readSchemaSet, type SchemaSet } from './schemas.ts';

/** Error-message annotation: failing keyword → message (see schema-errors.ts). */
export const MESSAGES_KEYWORD = 'x-prescient-messages';

export interface KindValidators {
  readonly kinds: readonly string[];
  get(kind: string): ValidateFunction | undefined;
}

export function compileValidators(set: SchemaSet = readSchemaSet()): KindValidators {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    useDefaults: true,
    strict: true,
    // `required` inside anyOf/not branches names properties declared by the parent schema.
    strictRequired: false,
    strictNumbers: true,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: MESSAGES_KEYWORD, schemaType: 'object' });
  for (const schema of set.defs.values()) ajv.addSchema(schema);
  const validators = new Map<string, ValidateFunction>();
  for (const [kind, schema] of set.kinds) validators.set(kind, ajv.compile(schema));
  return { kinds: [...validators.keys()], get: (kind) => validators.get(kind) };
}

let shared: KindValidators | undefined;

/** The validators for the schemas shipped with Prescient. */
export function defaultValidators(): KindValidators {
  shared ??= compileValidators();
  return shared;
}
