import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import * as optimizers from '../../src/optim/index.js';
import { assertClose, fromFixture, loadFixture, type FixtureTensor } from '../helpers.js';

/** One trajectory made by test/fixtures/make_optimizer_fixtures.py with PyTorch. */
interface OptimizerCase {
  name: string;
  optimizer: 'sgd' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';
  options: Record<string, unknown>;
  initial: FixtureTensor[];
  grads: FixtureTensor[][];
  learningRates: number[];
  params: FixtureTensor[][];
}

const { cases } = loadFixture<{ cases: OptimizerCase[] }>('optimizers.json');

function build(c: OptimizerCase): optimizers.Optimizer {
  const opts = { ...c.options };
  if (typeof opts.learningRate === 'object') {
    opts.learningRate = optimizers.scheduleFromConfig(opts.learningRate as Record<string, unknown>);
  }
  return (optimizers[c.optimizer] as (o: Record<string, unknown>) => optimizers.Optimizer)(opts);
}

test('the fixture covers every optimiser, a schedule and global-norm clipping', () => {
  const names = cases.map((c) => c.name);
  for (const n of [
    'sgd',
    'sgd_momentum',
    'sgd_nesterov',
    'adagrad',
    'rmsprop',
    'rmsprop_momentum',
    'rmsprop_centered',
    'adam',
    'adamw',
    'adam_exponential_decay',
    'sgd_momentum_global_clip_norm',
  ]) {
    assert.ok(names.includes(n), `missing case ${n}`);
  }
});

for (const c of cases) {
  test(`${c.name}: 5 steps match PyTorch to 1e-12 (float64)`, () => {
    const opt = build(c);
    const vars = c.initial.map((t, i) => nb.variable(fromFixture(t), { name: `${c.name}/p${i}` }));
    c.grads.forEach((gs, step) => {
      assert.equal(opt.iterations, step);
      const lr = opt.getLearningRate();
      assert.ok(Math.abs(lr - c.learningRates[step]!) <= 1e-14 * c.learningRates[step]!, `step ${step}: learning rate ${lr}, torch ${c.learningRates[step]}`);
      opt.applyGradients(
        gs.map((g) => fromFixture(g)),
        vars,
      );
      vars.forEach((v, i) => {
        assert.equal(v.dtype, 'float64');
        assertClose(v.value, c.params[step]![i]!, 1e-12, 0, `${c.name} step ${step} parameter ${i}`);
      });
    });
    assert.equal(opt.iterations, c.grads.length);
  });
}
