/**
 * The metadata file that travels with every forecaster ONNX model (`<version>.json` next to
 * `<version>.onnx`). The runtime needs only the interface part (names, window, horizons,
 * quantiles, normalisation); training and evaluation facts are recorded for people.
 * The interface is documented in scorer/models/README.md for bring-your-own models.
 */
import { Ajv } from 'ajv';
import { ForecastError } from './errors.ts';
import type { WindowNormalisation } from './normalise.ts';

export const METADATA_FORMAT = 'prescient.forecaster.v1';

export interface TensorInterface {
  readonly name: string;
  /** Dimensions; strings are symbolic (e.g. 'batch'). */
  readonly shape: readonly (number | string)[];
  readonly dtype: 'float32';
  readonly description: string;
}

export interface ModelMetadata {
  readonly format: typeof METADATA_FORMAT;
  readonly version: string;
  readonly inputs: readonly [TensorInterface];
  readonly outputs: readonly [TensorInterface];
  readonly window: number;
  readonly horizons: readonly number[];
  readonly quantiles: readonly [number, number, number];
  readonly normalisation: WindowNormalisation;
  readonly architecture?: Record<string, unknown>;
  readonly training?: Record<string, unknown>;
  readonly evaluation?: Record<string, unknown>;
}

const tensorSchema = {
  type: 'object',
  required: ['name', 'shape', 'dtype'],
  properties: {
    name: { type: 'string', minLength: 1 },
    shape: { type: 'array', items: { type: ['integer', 'string'] } },
    dtype: { const: 'float32' },
  },
};

const metadataSchema = {
  type: 'object',
  required: ['format', 'version', 'inputs', 'outputs', 'window', 'horizons', 'quantiles', 'normalisation'],
  properties: {
    format: { const: METADATA_FORMAT },
    version: { type: 'string', minLength: 1 },
    inputs: { type: 'array', minItems: 1, maxItems: 1, items: tensorSchema },
    outputs: { type: 'array', minItems: 1, maxItems: 1, items: tensorSchema },
    window: { type: 'integer', minimum: 2 },
    horizons: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } },
    quantiles: {
      type: 'array',
      minItems: 3,
      maxItems: 3,
      items: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    },
    normalisation: {
      type: 'object',
      required: ['kind', 'relativeEpsilon', 'absoluteEpsilon', 'clip'],
      properties: {
        kind: { enum: ['window-mean-std', 'window-ewma-diff'] },
        centreAlpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        relativeEpsilon: { type: 'number', minimum: 0 },
        absoluteEpsilon: { type: 'number', exclusiveMinimum: 0 },
        clip: { type: 'number', exclusiveMinimum: 0 },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(metadataSchema);

/** Checks a parsed metadata document; `source` names it in the error. */
export function parseModelMetadata(document: unknown, source: string): ModelMetadata {
  if (!validate(document)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new ForecastError(
      'FORECAST_METADATA_INVALID',
      `${source}: ${problems.join('; ')} (see scorer/models/README.md for the metadata format)`,
    );
  }
  const metadata = document as unknown as ModelMetadata;
  const [lower, median, upper] = metadata.quantiles;
  if (!(lower < median && median < upper)) {
    throw new ForecastError('FORECAST_METADATA_INVALID', `${source}: quantiles must be increasing`);
  }
  return metadata;
}
