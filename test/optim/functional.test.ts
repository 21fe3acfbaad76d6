import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { ArgumentError } from '../../src/core/errors.js';
import { adagrad, adam, adamw, exponentialDecay, rmsprop, sgd, type Optimizer } from '../../src/optim/index.js';

const f32 = (values: number[]) => nb.tensor(values, undefined, 'float32');

/** Gradients of step k: deterministic but varying. */
const gradsAt = (k: number) => ({ w: f32([0.3 - 0.1 * k, -0.2 + 0.05 * k, 1.5]), b: f32([Math.sin(k)]) });

const makers: [string, () => Optimizer][] = [
  ['sgd', () => sgd({ learningRate: 0.1 })],
  ['sgd nesterov + clipNorm', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipNorm: 0.5 })],
  ['adam', () => adam({ learningRate: 0.01 })],
  [
    'adam + schedule + globalClipNorm + clipValue',
    () => adam({ learningRate: exponentialDecay({ initialLearningRate: 0.05, decaySteps: 1, decayRate: 0.5 }), globalClipNorm: 1, clipValue: 0.4 }),
  ],
  ['adamw', () => adamw({ learningRate: 0.01, weightDecay: 0.1 })],
  ['rmsprop centered momentum', () => rmsprop({ learningRate: 0.01, centered: true, momentum: 0.5 })],
  ['adagrad', () => adagrad({ learningRate: 0.1 })],
];

for (const [name, make] of makers) {
  test(`${name}: init/update gives bit for bit the trajectory of applyGradients`, () => {
    const start = { w: f32([1, -2, 3]), b: f32([0.5]) };
    // stateful
    const opt1 = make();
    const vars = { w: nb.variable(start.w), b: nb.variable(start.b) };
    // functional
    const opt2 = make();
    let params: { w: Tensor; b: Tensor } = start;
    let state = opt2.init(params);
    for (let k = 0; k < 5; k++) {
      // step 2 has no gradient for b: both paths leave it alone
      const g = k === 2 ? { w: gradsAt(k).w, b: null } : gradsAt(k);
      opt1.applyGradients(g, vars);
      ({ params, state } = opt2.update(g, state, params));
    }
    assert.deepEqual(Array.from(params.w.storage), Array.from(vars.w.value.storage));
    assert.deepEqual(Array.from(params.b.storage), Array.from(vars.b.value.storage));
    assert.equal(state.iterations, opt1.iterations);
    assert.equal(opt2.iterations, 0, 'update leaves the optimiser object unchanged');
    assert.equal(state.parameters[1]!.updates, 4);
    // the slots match the stateful optimiser's
    const slots = opt1.getState(vars.w) ?? {};
    for (const [k, t] of Object.entries(slots)) assert.deepEqual(Array.from(state.parameters[0]!.slots[k]!.storage), Array.from(t.storage), k);
  });
}

test('update is pure: the input state and parameters are unchanged, so a step can be discarded', () => {
  const opt = adam({ learningRate: 0.1 });
  const params = [f32([1, 2])];
  const state = opt.init(params);
  const r1 = opt.update([f32([1, 1])], state, params);
  const r2 = opt.update([f32([1, 1])], state, params);
  assert.deepEqual(r1.params[0]!.toArray(), r2.params[0]!.toArray());
  assert.deepEqual(params[0]!.toArray(), [1, 2]);
  assert.equal(state.iterations, 0);
  assert.deepEqual(state.parameters[0]!.slots.m!.toArray(), [0, 0]);
  assert.notDeepEqual(r1.state.parameters[0]!.slots.m!.toArray(), [0, 0]);
});

test('stateOf/setState bridge the stateful and functional forms', () => {
  const opt = adam({ learningRate: 0.1 });
  const v = nb.variable(f32([1, 2]));
  opt.applyGradients([f32([1, -1])], [v]);
  const s = opt.stateOf([v]);
  assert.equal(s.iterations, 1);
  const { params, state } = opt.update([f32([0.5, 0.5])], s, [v.value]);
  const ref = adam({ learningRate: 0.1 });
  const w = nb.variable(f32([1, 2]));
  ref.applyGradients([f32([1, -1])], [w]);
  ref.applyGradients([f32([0.5, 0.5])], [w]);
  assert.deepEqual(Array.from(params[0]!.storage), Array.from(w.value.storage));
  opt.setState([v], state);
  assert.equal(opt.iterations, 2);
  assert.deepEqual(Array.from(opt.getState(v)!.v!.storage), Array.from(ref.getState(w)!.v!.storage));
});

test('update checks its arguments', () => {
  const opt = sgd();
  const state = opt.init([f32([1])]);
  assert.throws(() => opt.update([f32([1])], { iterations: 0, parameters: [] }, [f32([1])]), ArgumentError);
  assert.throws(() => opt.update([f32([1, 2])], state, [f32([1])]), /shape/);
  // @ts-expect-error gradients of another structure than the parameters fail to compile too
  assert.throws(() => opt.update({ a: f32([1]) }, state, [f32([1])]), ArgumentError);
});
