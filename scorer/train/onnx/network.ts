/**
 * The trained network as plain arrays, independent of tfjs and ONNX: an LSTM over the window
 * followed by dense layers, the last of which emits horizons × 3 quantiles. Weight layouts follow
 * Keras (kernel `[in, 4·units]`, gate blocks in the order input, forget, cell, output).
 */
export interface LstmWeights {
  readonly units: number;
  readonly inputSize: number;
  /** `[inputSize, 4·units]` row-major. */
  readonly kernel: Float32Array;
  /** `[units, 4·units]` row-major. */
  readonly recurrentKernel: Float32Array;
  /** `[4·units]`. */
  readonly bias: Float32Array;
}

export interface DenseWeights {
  readonly inputSize: number;
  readonly outputSize: number;
  /** `[inputSize, outputSize]` row-major. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: 'relu' | 'linear';
}

export interface ForecastNetwork {
  readonly window: number;
  readonly horizons: number;
  readonly lstm: LstmWeights;
  readonly dense: readonly DenseWeights[];
}

/** Names of the model's input and output, fixed by the bring-your-own interface. */
export const MODEL_INPUT = 'window';
export const MODEL_OUTPUT = 'quantiles';
