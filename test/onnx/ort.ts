// ONNX Runtime (onnxruntime-web's wasm build, in Node, one thread) running an exported model.
import * as ort from 'onnxruntime-web';
import * as nb from '../../src/index.js';

ort.env.wasm.numThreads = 1;

const ORT_TYPE = { float32: 'float32', float64: 'float64', int32: 'int32', bool: 'bool' } as const;

/** The model's outputs, by name, as nabla tensors, for the given inputs by name. */
export async function runOnnx(bytes: Uint8Array, feeds: Record<string, nb.Tensor>): Promise<Record<string, nb.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const input: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const data = t.dtype === 'bool' ? Uint8Array.from(t.storage) : t.storage;
    input[name] = new ort.Tensor(ORT_TYPE[t.dtype], data as Float32Array, [...t.shape]);
  }
  const out = await session.run(input);
  const result: Record<string, nb.Tensor> = {};
  for (const name of session.outputNames) {
    const o = out[name]!;
    const dtype = o.type === 'float64' ? 'float64' : o.type === 'int32' ? 'int32' : o.type === 'bool' ? 'bool' : 'float32';
    result[name] = nb.tensor(Array.from(o.data as ArrayLike<number | boolean>, Number), [...o.dims], dtype);
  }
  await session.release();
  return result;
}
