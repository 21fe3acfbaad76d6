import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import * as losses from '../../src/losses/index.js';
import type { LossOptions } from '../../src/losses/index.js';
import { assertClose, fromFixture, loadFixture, type FixtureTensor } from '../helpers.js';

// Values, gradients (with respect to yPred and yTrue) and Hessian-vector
// products against test/fixtures/losses.json: Keras's definitions computed
// by torch autograd in float64 (test/fixtures/make_loss_fixtures.py).

interface LossCase {
  name: string;
  loss: 'meanSquaredError' | 'meanAbsoluteError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';
  opts: Required<LossOptions>;
  yTrue: FixtureTensor;
  yPred: FixtureTensor;
  output: FixtureTensor;
  cotangent: FixtureTensor;
  gradPred: FixtureTensor;
  gradTrue: FixtureTensor | null;
  direction: FixtureTensor;
  hvpPred: FixtureTensor;
}

const fixture = loadFixture<{ epsilon: number; cases: LossCase[] }>('losses.json');

test('the fixture uses Keras’s epsilon', () => {
  assert.equal(fixture.epsilon, losses.EPSILON);
  assert.ok(fixture.cases.length >= 40);
});

for (const c of fixture.cases) {
  const loss = losses[c.loss];
  test(`${c.name}: value, gradients and Hessian-vector product match torch (float64)`, () => {
    const yTrue = fromFixture(c.yTrue);
    const yPred = fromFixture(c.yPred);
    const cot = fromFixture(c.cotangent);
    assertClose(loss(yTrue, yPred, c.opts), c.output, 1e-12, 1e-12, `${c.name} value`);

    const scalar = (t: Tensor, p: Tensor) => nb.sum(nb.mul(loss(t, p, c.opts), cot));
    assertClose(nb.grad((p: Tensor) => scalar(yTrue, p))(yPred), c.gradPred, 1e-10, 1e-12, `${c.name} d/dyPred`);
    // the sparse loss's integer labels have no gradient
    if (c.gradTrue) assertClose(nb.grad((t: Tensor) => scalar(t, yPred))(yTrue), c.gradTrue, 1e-10, 1e-12, `${c.name} d/dyTrue`);

    const hv = nb.hvp((p: Tensor) => scalar(yTrue, p))(yPred, fromFixture(c.direction));
    assertClose(hv, c.hvpPred, 1e-9, 1e-12, `${c.name} hvp`);
  });

  // float32: Keras clips at 1 − 1e-7, which float32 rounds to 1 − 1.19e-7, so
  // the clipped cases differ from the float64 reference by design
  if (!c.name.includes('clipped')) {
    test(`${c.name}: float32 value matches torch`, () => {
      const out = loss(fromFixture(c.yTrue, 'float32'), fromFixture(c.yPred, 'float32'), c.opts);
      assert.equal(out.dtype, 'float32');
      assertClose(out, c.output, 2e-5, 1e-5, `${c.name} float32 value`);
    });
  }
}
