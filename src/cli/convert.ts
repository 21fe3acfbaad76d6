// `nabla export MODEL --format onnx|tfjs|safetensors` and `nabla import FILE`:
// a model file to the other ecosystems' formats, and back.
import * as nb from '../index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { exportModel as exportOnnx, importModel as importOnnx, toSequential } from '../onnx/index.js';
import { CliError } from './errors.js';
import { fsSync } from './run-folder.js';
import { openModel } from './use-model.js';

export const EXPORT_FORMATS = ['onnx', 'tfjs', 'safetensors'] as const;
type Format = (typeof EXPORT_FORMATS)[number];

const dirOf = (p: string) => p.replace(/[^/]*$/, '') || './';
const stem = (p: string) => p.replace(/^.*\//, '').replace(/\.[^.]*$/, '');

/** `nabla export MODEL --format F [--out PATH]`: writes the file(s) atomically and says where. */
export async function exportCommand(modelPath: string, o: { format?: string; out?: string }): Promise<void> {
  const format = o.format as Format;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got ${o.format ?? 'nothing'}`);
  const model = await openModel(modelPath);
  if (format === 'onnx') {
    const out = o.out ?? `${dirOf(modelPath)}${stem(modelPath)}.onnx`;
    await writeFileAtomic(out, exportOnnx(model), 'export');
    console.log(`wrote ${out} (ONNX opset 18: input 'X' [batch, ${model.inputShape!.join(', ')}], output 'Y')`);
  } else if (format === 'tfjs') {
    const out = (o.out ?? `${dirOf(modelPath)}tfjs`).replace(/\/$/, '');
    fsSync().mkdirSync(out, { recursive: true });
    const { modelJson, weights } = nb.tfjs.exportModel(model);
    await writeFileAtomic(`${out}/weights.bin`, weights, 'export');
    await writeFileAtomic(`${out}/model.json`, JSON.stringify(modelJson), 'export');
    console.log(`wrote ${out}/model.json and ${out}/weights.bin (TF.js layers format: tf.loadLayersModel('…/model.json'))`);
  } else {
    const out = o.out ?? `${dirOf(modelPath)}${stem(modelPath)}.safetensors`;
    const config = JSON.stringify(model.layers.map((l) => ({ className: l.className, config: l.getConfig() })));
    await writeFileAtomic(out, nb.safetensors.encode(model.stateDict(), { format: 'nabla', layers: config }), 'export');
    console.log(`wrote ${out} (safetensors; keys layers.<i>.<weight>, Keras layouts)`);
  }
}

/**
 * The architecture nabla's own safetensors export writes beside the weights
 * (`__metadata__.layers`, each layer's className and config), rebuilt; null
 * when the file has none (weights from elsewhere: PyTorch's, ...).
 */
function architectureOf(metadata: Readonly<Record<string, string>>, file: string): nb.Sequential | null {
  const text = metadata['layers'];
  if (text === undefined) return null;
  let layers: unknown;
  try {
    layers = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file}: its __metadata__.layers is not JSON (${(e as Error).message}); give the architecture with --into MODEL`);
  }
  const ok = (l: unknown) =>
    l !== null &&
    typeof l === 'object' &&
    typeof (l as { className?: unknown }).className === 'string' &&
    typeof (l as { config?: unknown }).config === 'object';
  if (!Array.isArray(layers) || !layers.length || !layers.every(ok))
    throw new CliError(`${file}: its __metadata__.layers is not a list of { className, config } layers; give the architecture with --into MODEL`);
  try {
    return nb.Sequential.fromConfig({ layers: layers as { className: string; config: Record<string, unknown> }[] });
  } catch (e) {
    throw new CliError(`${file}: the layers of its __metadata__ do not make a model (${(e as Error).message}); give the architecture with --into MODEL`);
  }
}

/** --epsilon: the PyTorch modules' ε (a positive number) or 'keep'; PyTorch's default 1e-5 when not given. */
function epsilonOption(value: string | undefined): number | 'keep' | undefined {
  if (value === undefined || value === 'keep') return value;
  const eps = Number(value);
  if (!(eps > 0 && Number.isFinite(eps))) throw new CliError(`--epsilon must be the PyTorch modules' eps (a positive number) or 'keep', got '${value}'`);
  return eps;
}

/**
 * `nabla import FILE [--into MODEL] [--out PATH]`: a TF.js model.json (with
 * its weights file beside it) or an ONNX chain of dense layers becomes a
 * model file; a safetensors file of weights goes into the architecture of
 * MODEL (nabla's keys, or a PyTorch state dict through loadTorchStateDict),
 * or without --into into the architecture nabla's export stored in it.
 */
export async function importCommand(file: string, o: { into?: string; out?: string; epsilon?: string }): Promise<void> {
  const fs = fsSync();
  if (!fs.existsSync(file)) throw new CliError(`no file at ${file}`);
  let model: nb.Sequential;
  if (file.endsWith('.json')) {
    model = await nb.tfjs.loadModel(file); // its weight files beside it, never outside its folder
  } else if (file.endsWith('.safetensors')) {
    const { tensors, metadata } = nb.safetensors.decode(new Uint8Array(fs.readFileSync(file)), file);
    const stored = o.into ? null : architectureOf(metadata, file);
    if (!o.into && !stored)
      throw new CliError(
        `${file} holds weights only (no architecture in its __metadata__, as nabla's export writes): give the architecture with --into MODEL (a model file of the same layers)`,
      );
    model = stored ?? (await openModel(o.into!));
    if (Object.keys(tensors).every((k) => /^layers\.\d+\./.test(k))) model.loadStateDict(tensors);
    else
      for (const s of nb.safetensors.loadTorchStateDict(model, tensors, { epsilon: epsilonOption(o.epsilon) }))
        console.log(`${s.module} → ${s.layer}: ${s.how}`);
  } else if (file.endsWith('.onnx')) {
    // a chain of layers (dense, convolutional, recurrent) becomes a model file; any other graph is a function (importModel in code)
    try {
      model = toSequential(importOnnx(new Uint8Array(fs.readFileSync(file)), { source: file }));
    } catch (e) {
      throw new CliError(`${(e as Error).message}. In code: import { importModel } from 'nabla/onnx'`);
    }
  } else {
    throw new CliError(`${file}: nabla imports a TF.js model.json, an .onnx chain of layers, or a .safetensors file (with --into MODEL)`);
  }
  const out = o.out ?? `${dirOf(file)}${stem(file) === 'model' ? 'imported' : stem(file)}.nabla`;
  await model.save(out);
  console.log(`wrote ${out}`);
  model.summary();
}
