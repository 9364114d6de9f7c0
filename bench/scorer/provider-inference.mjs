// Raw batched inference of the shipped forecast model per onnxruntime execution provider, in
// plain JavaScript so it runs on a machine that has only `node` and onnxruntime-node (the GPU
// machines used for `npm run bench:scorer`'s GPU row have no TypeScript toolchain).
//   node bench/scorer/provider-inference.mjs [model.onnx] [providers,comma,separated]
// Prints one JSON line per provider and batch size: {provider, endpoints, inferenceMs} or an error.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const here = path.dirname(fileURLToPath(import.meta.url));
const models = path.join(here, '../../scorer/models');
const current = JSON.parse(fs.readFileSync(path.join(models, 'current.json'), 'utf8'));
const modelPath = process.argv[2] || path.join(models, current.model);
const providers = (process.argv[3] || 'cpu,cuda,webgpu').split(',');
const WINDOW = 48;
const SIZES = [1_000, 10_000, 100_000];

function input(n) {
  const data = new Float32Array(n * WINDOW);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i / 7) + (i % 13) / 13;
  return new ort.Tensor('float32', data, [n, WINDOW, 1]);
}

for (const provider of providers) {
  let session;
  try {
    session = await ort.InferenceSession.create(modelPath, { executionProviders: [provider], logSeverityLevel: 3 });
  } catch (err) {
    console.log(JSON.stringify({ provider, error: String(err.message ?? err).split('\n')[0] }));
    continue;
  }
  for (const n of SIZES) {
    const feeds = { window: input(n) };
    await session.run(feeds); // warm-up: kernel selection, allocations
    const times = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ provider, endpoints: n, inferenceMs: +times[2].toFixed(2) }));
  }
  await session.release();
}
