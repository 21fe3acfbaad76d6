import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Layer } from '../../src/nn/layer.js';
import { layerFromConfig } from '../../src/nn/layer.js';
import { nd, referenceOf, type Nd, type Reference } from './reference.js';

/** What the shared layer conformance check needs to know about a layer. */
export interface LayerCase {
  /** Builds the layer under test with these extra args (dtype, seed). */
  make: (args: { dtype: 'float32' | 'float64'; seed: number }) => Layer;
  /** Input shape of one example. */
  inputShape: number[];
  /** Expected output shape of one example. */
  outputShape: number[];
  /** Expected number of parameters. */
  params: number;
  /** Check gradients in training mode too (false for random layers such as dropout). */
  gradCheckTraining?: boolean;
  /** The layer's formula, when not the one registered for its class in reference.ts. */
  reference?: Reference;
}

/**
 * The conformance check every layer passes: output shape (computed and
 * actual), parameter count, config round trip, one training step that lowers
 * a loss, a float64 gradient check with respect to input and weights, and
 * the output (in inference and training mode) against the layer's formula
 * computed with plain loops (reference.ts), with every weight random so that
 * a dropped bias or a wrong axis shows.
 */
export function checkLayer(c: LayerCase): void {
  const batch = 4;
  const g = new nb.Generator(11);
  const x = nb.randomNormal([batch, ...c.inputShape], 0, 1, { generator: g });

  // 1. output shape and parameter count
  const layer = c.make({ dtype: 'float32', seed: 1 });
  const y = layer.apply(x);
  assert.deepEqual([...y.shape], [batch, ...c.outputShape], 'actual output shape');
  assert.deepEqual(layer.computeOutputShape([null, ...c.inputShape]), [null, ...c.outputShape], 'computed output shape');
  assert.equal(layer.countParams(), c.params, 'parameter count');

  // 2. the config round trip rebuilds an equal layer
  const config = JSON.parse(JSON.stringify(layer.getConfig()));
  const again = layerFromConfig({ className: layer.className, config: { ...config, name: `${config.name}_copy` } });
  assert.deepEqual({ ...again.getConfig(), name: config.name }, config, 'config round trip');
  again.apply(x); // builds it
  again.setWeights(layer.getWeights());
  assert.deepEqual(again.apply(x).toArray(), y.toArray(), 'the rebuilt layer computes the same');

  // 3. one training step lowers the loss (a trainable dense layer in front gives parameter-free layers something to learn)
  const pre = nb.layers.dense({ units: c.inputShape[c.inputShape.length - 1]!, seed: 2 });
  const target = nb.randomNormal([batch, ...c.outputShape], 0, 1, { generator: g });
  pre.apply(x); // builds it
  const vars = [...pre.trainableParameters(), ...layer.trainableParameters()];
  const training = c.gradCheckTraining !== false; // random layers are stepped in inference mode, where they are deterministic
  const lossOf = () => nb.mean(nb.square(nb.sub(layer.apply(pre.apply(x), { training }), target)));
  const before = lossOf().item();
  const [l, grads] = nb.valueAndGrad(lossOf)(vars) as [Tensor, Tensor[]];
  assert.equal(l.item(), before);
  nb.noGrad(() => vars.forEach((v, i) => v.assign(nb.sub(v, nb.mul(grads[i]!, 0.01)))));
  assert.ok(lossOf().item() < before, `loss ${before} → ${lossOf().item()}`);

  // 5 (first, on a fresh layer). the output is the layer's formula, with random weights (biases included)
  checkFormula(c, x);

  // 4. float64 gradient check with respect to the input and every weight
  const l64 = c.make({ dtype: 'float64', seed: 3 });
  const x64 = nb.cast(x, 'float64');
  l64.apply(x64);
  const ws = l64.parameters();
  for (const training of c.gradCheckTraining === false ? [false] : [false, true]) {
    const f = (xi: Tensor, ...wi: Tensor[]) => {
      const saved = ws.map((v, i) => v.swap(wi[i]!));
      try {
        return l64.apply(xi, { training });
      } finally {
        ws.forEach((v, i) => v.swap(saved[i]!));
      }
    };
    const r = nb.gradCheck(f, [x64, ...ws.map((v) => v.value)], { order: 1 });
    assert.ok(r.passed, `gradCheck (training ${training}): ${JSON.stringify(r.levels)}`);
  }
}

/** The largest |a − b| / (1 + |b|) over two arrays of one shape. */
function maxRelativeError(a: Nd, b: Nd, what: string): number {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  let m = 0;
  a.data.forEach((v, i) => {
    m = Math.max(m, Math.abs(v - b.data[i]!) / (1 + Math.abs(b.data[i]!)));
  });
  return m;
}

/**
 * Compares a float64 layer's output with its reference formula in inference
 * and training mode, after setting every weight to random values (a
 * variance positive), so that no term hides behind a zero or one initialiser.
 */
function checkFormula(c: LayerCase, x32: Tensor): void {
  const layer = c.make({ dtype: 'float64', seed: 5 });
  const x = nb.cast(x32, 'float64');
  layer.apply(x); // builds it
  const g = new nb.Generator(12);
  for (const [name, v] of layer.namedParameters()) {
    const r = nb.randomNormal([...v.shape], 0, 1, { dtype: 'float64', generator: g });
    v.assign(/variance/i.test(name) ? nb.add(nb.abs(r), 0.5) : r);
  }
  const reference = c.reference ?? referenceOf(layer);
  for (const training of [false, true]) {
    const expected = reference(layer, nd(x), training); // before the call: a training call may update state
    const actual = layer.apply(x, { training });
    if (expected === null) continue; // a random mode (dropout in training)
    const err = maxRelativeError(nd(actual), expected, `${layer.className} (training ${training})`);
    assert.ok(err < 1e-10, `${layer.className} (training ${training}): the output differs from the formula by ${err}`);
  }
}
