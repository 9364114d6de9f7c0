/**
 * Where forecaster models live on disk. A model is `<name>.onnx` with its metadata in
 * `<name>.json` beside it; `scorer/models/current.json` names the shipped one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForecastError } from './errors.ts';
import { parseModelMetadata, type ModelMetadata } from './model-metadata.ts';

export const MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));
export const CURRENT_POINTER = path.join(MODELS_DIR, 'current.json');

/** Content of `current.json`: paths are relative to the file's folder. */
export interface CurrentModelPointer {
  readonly version: string;
  readonly model: string;
  readonly metadata: string;
}

export interface ModelFiles {
  readonly onnx: Uint8Array;
  readonly metadata: ModelMetadata;
  readonly modelPath: string;
}

async function readOrExplain(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new ForecastError(
      'FORECAST_MODEL_NOT_FOUND',
      `cannot read ${what} ${file}; run \`npm run train\` or pass the path of an existing .onnx model`,
      { cause: err },
    );
  }
}

function parseJson(bytes: Buffer, source: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ForecastError('FORECAST_METADATA_INVALID', `${source} is not valid JSON`, { cause: err });
  }
}

export function metadataPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

/** Reads a model and its metadata; with no path, the one `current.json` names. */
export async function readModelFiles(modelPath?: string): Promise<ModelFiles> {
  let onnxPath = modelPath;
  let metadataPath = modelPath === undefined ? undefined : metadataPathFor(modelPath);
  if (onnxPath === undefined) {
    const pointer = parseJson(await readOrExplain(CURRENT_POINTER, 'model pointer'), CURRENT_POINTER);
    const { model, metadata } = pointer as Partial<CurrentModelPointer>;
    if (typeof model !== 'string' || typeof metadata !== 'string') {
      throw new ForecastError('FORECAST_METADATA_INVALID', `${CURRENT_POINTER} must name "model" and "metadata"`);
    }
    onnxPath = path.resolve(MODELS_DIR, model);
    metadataPath = path.resolve(MODELS_DIR, metadata);
  }
  const metaSource = metadataPath as string;
  const metadata = parseModelMetadata(parseJson(await readOrExplain(metaSource, 'model metadata'), metaSource), metaSource);
  const onnx = new Uint8Array(await readOrExplain(onnxPath, 'ONNX model'));
  return { onnx, metadata, modelPath: onnxPath };
}
