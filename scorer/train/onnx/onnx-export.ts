/**
 * Writes a ForecastNetwork as an ONNX ModelProto. Graph:
 *   window [batch, W, 1] → Transpose → [W, batch, 1] → LSTM → Y_h [1, batch, units]
 *   → Squeeze → Gemm (+ Relu) … → Reshape → quantiles [batch, horizons, 3]
 * The transpose is there because onnxruntime's CPU LSTM kernel accepts only the sequence-first
 * layout (layout = 0). ONNX orders LSTM gates input, output, forget, cell (Keras: i, f, c, o),
 * keeps W as `[dirs, 4·units, in]` (Keras' kernel transposed), and splits the bias into input and
 * recurrent halves; Keras' single bias goes into the input half.
 */
import {
  ATTRIBUTE_INT,
  ATTRIBUTE_INTS,
  ModelProto,
  ONNX_FLOAT,
  ONNX_INT64,
  ONNX_IR_VERSION,
  ONNX_OPSET,
} from './onnx-schema.ts';
import { MODEL_INPUT, MODEL_OUTPUT, type ForecastNetwork, type LstmWeights } from './network.ts';

/** ONNX gate block g comes from Keras gate block KERAS_GATE[g]. */
const KERAS_GATE = [0, 3, 1, 2];

function floatTensor(name: string, dims: number[], data: Float32Array) {
  const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { name, dims, data_type: ONNX_FLOAT, raw_data: bytes };
}

function int64Tensor(name: string, values: number[]) {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], data_type: ONNX_INT64, raw_data: new Uint8Array(data.buffer) };
}

/** Keras `[in, 4·units]` → ONNX `[4·units, in]` with gate blocks reordered. */
function onnxGateMatrix(keras: Float32Array, inputs: number, units: number): Float32Array {
  const out = new Float32Array(4 * units * inputs);
  for (let g = 0; g < 4; g++) {
    for (let j = 0; j < units; j++) {
      const kerasColumn = KERAS_GATE[g] * units + j;
      for (let k = 0; k < inputs; k++) out[(g * units + j) * inputs + k] = keras[k * 4 * units + kerasColumn];
    }
  }
  return out;
}

function onnxLstmBias(lstm: LstmWeights): Float32Array {
  const out = new Float32Array(8 * lstm.units);
  for (let g = 0; g < 4; g++) {
    out.set(lstm.bias.subarray(KERAS_GATE[g] * lstm.units, (KERAS_GATE[g] + 1) * lstm.units), g * lstm.units);
  }
  return out;
}

function tensorValueInfo(name: string, dims: (number | string)[]) {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: ONNX_FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export interface ExportOptions {
  readonly docString?: string;
  readonly metadata?: Record<string, string>;
}

export function exportOnnx(network: ForecastNetwork, options: ExportOptions = {}): Uint8Array {
  const { lstm, window, horizons } = network;
  const units = lstm.units;
  const initializer: object[] = [
    floatTensor('lstm_W', [1, 4 * units, lstm.inputSize], onnxGateMatrix(lstm.kernel, lstm.inputSize, units)),
    floatTensor('lstm_R', [1, 4 * units, units], onnxGateMatrix(lstm.recurrentKernel, units, units)),
    floatTensor('lstm_B', [1, 8 * units], onnxLstmBias(lstm)),
    int64Tensor('squeeze_axes', [0]),
    int64Tensor('output_shape', [-1, horizons, 3]),
  ];
  const node: object[] = [
    { op_type: 'Transpose', name: 'to_sequence_first', input: [MODEL_INPUT], output: ['window_seq'],
      attribute: [{ name: 'perm', type: ATTRIBUTE_INTS, ints: [1, 0, 2] }] },
    { op_type: 'LSTM', name: 'lstm', input: ['window_seq', 'lstm_W', 'lstm_R', 'lstm_B'], output: ['', 'lstm_Y_h'],
      attribute: [{ name: 'hidden_size', type: ATTRIBUTE_INT, i: units }] },
    { op_type: 'Squeeze', name: 'drop_direction', input: ['lstm_Y_h', 'squeeze_axes'], output: ['hidden_0'] },
  ];
  network.dense.forEach((layer, i) => {
    initializer.push(floatTensor(`dense${i}_W`, [layer.inputSize, layer.outputSize], layer.kernel));
    initializer.push(floatTensor(`dense${i}_B`, [layer.outputSize], layer.bias));
    const gemmOut = layer.activation === 'relu' ? `dense${i}_linear` : `hidden_${i + 1}`;
    node.push({ op_type: 'Gemm', name: `dense${i}`, input: [`hidden_${i}`, `dense${i}_W`, `dense${i}_B`], output: [gemmOut] });
    if (layer.activation === 'relu') {
      node.push({ op_type: 'Relu', name: `dense${i}_relu`, input: [gemmOut], output: [`hidden_${i + 1}`] });
    }
  });
  node.push({ op_type: 'Reshape', name: 'to_quantiles', input: [`hidden_${network.dense.length}`, 'output_shape'], output: [MODEL_OUTPUT] });

  const model = {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'prescient',
    producer_version: '1',
    doc_string: options.docString ?? 'Prescient forecaster',
    graph: {
      name: 'prescient_forecaster',
      node,
      initializer,
      input: [tensorValueInfo(MODEL_INPUT, ['batch', window, 1])],
      output: [tensorValueInfo(MODEL_OUTPUT, ['batch', horizons, 3])],
    },
    metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`ONNX export produced an invalid ModelProto: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
