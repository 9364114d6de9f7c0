/**
 * The JSON Schemas of scorer/telemetry (./schemas/*.schema.json, the documented source of truth),
 * compiled once by one ajv instance (draft 2020-12, strict).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const SCHEMA_FILES = ['telemetry-batch.schema.json', 'cost-batch.schema.json', 'prometheus-query-response.schema.json'];
const BASE = 'https://prescient.dev/schemas/';

const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const file of SCHEMA_FILES) ajv.addSchema(JSON.parse(readFileSync(new URL(`./schemas/${file}`, import.meta.url), 'utf8')) as object);

/** The validator of `<name>.json` (optionally `#/$defs/...`) under the schemas' base id. */
export function validator<T>(ref: string): ValidateFunction<T> {
  const validate = ajv.getSchema<T>(`${BASE}${ref}`);
  if (!validate) throw new Error(`SCHEMA_MISSING: no schema ${BASE}${ref}`);
  return validate;
}
