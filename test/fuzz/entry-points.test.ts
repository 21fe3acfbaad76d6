import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// The builders outside nb's ops and layers (models, optimisers, callbacks,
// PCA, scalers, charts) take an options object: junk in its place, or junk
// option values, is a NablaError, never a raw TypeError.

const JUNK: unknown[] = [
  null,
  1,
  'x',
  Symbol('s'),
  [1],
  () => 1,
  true,
  { monitor: Symbol('m') },
  { learningRate: 'a' },
  { learningRate: -1 },
  { patience: -1 },
  { mode: 'up' },
  { featureRange: [1, 0] },
  { nComponents: 0 },
];

const BUILDERS: Record<string, (junk: unknown) => unknown> = {
  sequential: (j) => nb.sequential(j as never),
  'sequential options': (j) => nb.sequential([], j as never),
  compile: (j) => nb.sequential([nb.layers.dense({ units: 1, inputShape: [1] })]).compile(j as never),
  earlyStopping: (j) => nb.callbacks.earlyStopping(j as never),
  pca: (j) => nb.decomposition.pca(j as never),
  standardScaler: (j) => nb.data.standardScaler(j as never),
  minMaxScaler: (j) => nb.data.minMaxScaler(j as never),
  lineChart: (j) => nb.viz.lineChart(j as never),
  scatterChart: (j) => nb.viz.scatterChart(j as never),
  historyCharts: (j) => nb.viz.historyCharts(j as never),
  confusionMatrixChart: (j) => nb.viz.confusionMatrixChart(j as never),
  adam: (j) => nb.optimizers.adam(j as never),
  sgd: (j) => nb.optimizers.sgd(j as never),
  rmsprop: (j) => nb.optimizers.rmsprop(j as never),
  adagrad: (j) => nb.optimizers.adagrad(j as never),
  adamw: (j) => nb.optimizers.adamw(j as never),
};

test('builders given junk options throw a NablaError, never a raw TypeError', () => {
  const bad: string[] = [];
  for (const [name, build] of Object.entries(BUILDERS)) {
    for (const j of JUNK) {
      try {
        build(j);
      } catch (e) {
        if (!(e instanceof nb.NablaError))
          bad.push(`${name}(${typeof j === 'symbol' ? 'Symbol' : (JSON.stringify(j) ?? typeof j)}): ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
