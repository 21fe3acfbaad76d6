// Names are string-literal unions: an editor completes them and a typo fails to compile. The
// expect-error directives below are checked by tsc when the suite builds (an unflagged typo would
// make the build fail), and each typo also fails at run time, for JavaScript users.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../src/index.js';

test('a misspelled loss, optimiser, metric or activation name fails to compile, and throws at run time', () => {
  const model = nb.sequential([nb.layers.dense({ units: 3, inputShape: [4] })]);
  // @ts-expect-error 'categoricalCrossentropi' is not a loss name
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropi' }), /unknown loss/);
  // @ts-expect-error 'adamm' is not an optimiser name
  assert.throws(() => model.compile({ optimizer: 'adamm', loss: 'mse' }), /unknown optimizer/);
  // @ts-expect-error 'acuracy' is not a metric name
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] }), /unknown metric/);
  // @ts-expect-error 'rleu' is not an activation name
  assert.throws(() => nb.layers.dense({ units: 2, activation: 'rleu' }), /unknown activation/);
  // the accepted spellings, Keras's aliases included, compile and work
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['acc'] });
  nb.layers.dense({ units: 2, activation: 'leaky_relu' });
  const names: nb.losses.LossSpelling[] = ['mse', 'binaryCrossentropy'];
  assert.deepEqual(names.map((n) => nb.losses.canonicalLossName(n)), ['meanSquaredError', 'binaryCrossentropy']);
});
