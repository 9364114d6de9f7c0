/**
 * Kind schemas → Kubernetes CustomResourceDefinitions, so the CRDs and the file loader accept
 * exactly the same documents. CRD schemas must be structural: no `$ref`, a `type` on every node
 * outside anyOf/oneOf/not, no `additionalProperties` beside `properties` (the API server prunes
 * unknown fields instead), no `uniqueItems`, no `const`, and exclusive bounds as booleans.
 */
import { COMMON_DEFS_ID, isObject, specSchema, type JsonSchema, type SchemaSet } from './schemas.ts';
import { MESSAGES_KEYWORD } from './validators.ts';

export const CRD_GROUP = 'prescient.dev';
export const CRD_VERSION = 'v1alpha1';

/** Keywords that mean nothing to the API server (or are forbidden there). */
const DROPPED = new Set(['$schema', '$id', '$comment', '$defs', 'definitions', 'examples', 'uniqueItems', MESSAGES_KEYWORD]);
const JUNCTORS = new Set(['anyOf', 'oneOf', 'allOf', 'not']);

function pointer(root: JsonSchema, fragment: string): unknown {
  let node: unknown = root;
  for (const raw of fragment.replace(/^\//, '').split('/').filter((s) => s !== '')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return node;
}

/** Replaces every `$ref` by a copy of its target, keeping sibling keywords (they win). */
export function inlineRefs(schema: JsonSchema, resources: ReadonlyMap<string, JsonSchema>, base = String(schema.$id ?? COMMON_DEFS_ID)): JsonSchema {
  const walk = (node: unknown, baseId: string, seen: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, baseId, seen));
    if (!isObject(node)) return node;
    const { $ref, ...rest } = node;
    const siblings = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, walk(v, baseId, seen)]));
    if (typeof $ref !== 'string') return siblings;
    const [file, fragment = ''] = $ref.split('#');
    const targetId = file ? new URL(file, baseId).href : baseId;
    const resource = resources.get(targetId);
    const target = resource && pointer(resource, fragment);
    const key = `${targetId}#${fragment}`;
    if (!isObject(target)) throw new Error(`PRESCIENT_SCHEMA_REF: cannot resolve $ref "${$ref}" from ${baseId}`);
    if (seen.includes(key)) throw new Error(`PRESCIENT_SCHEMA_REF: "${$ref}" is recursive; CRD schemas cannot express recursion`);
    return { ...(walk(target, targetId, [...seen, key]) as JsonSchema), ...siblings };
  };
  return walk(schema, base, []) as JsonSchema;
}

/** Strips what the API server rejects and checks the result is structural. */
export function toStructural(schema: JsonSchema, at = 'spec', inJunctor = false): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (key === 'const') out.enum = [value];
    else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      // OpenAPI 3.0 (what the API server speaks) spells a numeric exclusive bound as bound + flag.
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStructural(v as JsonSchema, `${at}.${k}`, inJunctor)]));
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) out[key] = toStructural(value, `${at}[]`, inJunctor);
    else if (JUNCTORS.has(key)) {
      out[key] = Array.isArray(value) ? value.map((v) => toStructural(v as JsonSchema, at, true)) : toStructural(value as JsonSchema, at, true);
    } else out[key] = value;
  }
  if (isObject(out.properties) && out.additionalProperties === false) delete out.additionalProperties;
  if (out.type === undefined && isIntOrString(out.anyOf)) {
    // A number-or-name field: Kubernetes spells it x-kubernetes-int-or-string with bare type
    // branches (the API server refuses other keywords there); Prescient's own schema checks the rest.
    out['x-kubernetes-int-or-string'] = true;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (!inJunctor && out.type === undefined && out['x-kubernetes-int-or-string'] !== true) throw new Error(`PRESCIENT_SCHEMA_STRUCTURAL: ${at} has no "type"; CRD schemas need one on every node`);
  if (out.type === 'object' && out.properties === undefined && out.additionalProperties === undefined && !inJunctor) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}

/** `anyOf` of exactly an integer branch and a string branch (either order). */
function isIntOrString(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false;
  const types = anyOf.map((b) => (isObject(b) ? b.type : undefined)).sort();
  return types[0] === 'integer' && types[1] === 'string';
}

export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/**
 * The status Prescient writes to each resource (xds-server/kube/resource-status.ts): whether the
 * last reload accepted it, and its errors with JSON paths, like Istio's analysis messages.
 */
const STATUS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    observedGeneration: { type: 'integer', format: 'int64', description: 'The generation the conditions are about.' },
    servingGeneration: { type: 'integer', format: 'int64', description: 'The generation in the configuration Prescient serves; absent when none is.' },
    conditions: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
      items: {
        type: 'object',
        required: ['type', 'status', 'lastTransitionTime'],
        properties: {
          type: { type: 'string' },
          status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
          reason: { type: 'string' },
          message: { type: 'string' },
          observedGeneration: { type: 'integer', format: 'int64' },
          lastTransitionTime: { type: 'string', format: 'date-time' },
        },
      },
    },
    errors: {
      type: 'array',
      description: 'Why the generation was not accepted: error code, JSON path in the resource and message (docs/errors.md).',
      items: { type: 'object', properties: { code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** The CRD object for one kind. */
export function crdFor(kind: string, documentSchema: JsonSchema, set: SchemaSet): JsonSchema {
  const resources = new Map<string, JsonSchema>([...set.defs, [String(documentSchema.$id), documentSchema]]);
  const spec = toStructural(inlineRefs(specSchema(documentSchema), resources, String(documentSchema.$id)));
  const plural = pluralOf(kind);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${CRD_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'prescient' } },
    spec: {
      group: CRD_GROUP,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), categories: ['prescient'] },
      scope: 'Namespaced',
      versions: [
        {
          name: CRD_VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              ...(typeof documentSchema.description === 'string' ? { description: documentSchema.description } : {}),
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: STATUS_SCHEMA,
              },
            },
          },
          // Status is written through its own subresource, so writing it never moves generation.
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Accepted', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' },
            { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].reason' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
        },
      ],
    },
  };
}
