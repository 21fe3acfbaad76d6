import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { classifier } from './setup.js';

const err = (type: new (...a: never[]) => Error, re: RegExp) => (e: unknown) => e instanceof type && re.test((e as Error).message);

test('landscape: clear errors for no data, x and y of different lengths, a bad resolution or range', () => {
  const { model, x, y } = classifier();
  assert.throws(() => nb.landscape(model, nb.zeros([0, 3]), nb.zeros([0, 2])), err(nb.ArgumentError, /^landscape: x and y hold no examples/));
  assert.throws(() => nb.landscape(model, undefined as unknown as nb.Tensor, y), err(nb.ArgumentError, /^landscape: x is required/));
  assert.throws(
    () => nb.landscape(model, x, nb.slice(y, [0], [39])),
    err(nb.ShapeError, /^landscape: x \[40,3\] and y \[39,2\] must have the same number of examples/),
  );
  assert.throws(() => nb.landscape(model, nb.div(x, nb.tensor(0)), y), /landscape: x holds .*(NaN|Infinity)/);
  assert.throws(() => nb.landscape(model, x, y, { resolution: 1 }), err(nb.ArgumentError, /^landscape: resolution must be a whole number ≥ 2, got 1/));
  assert.throws(() => nb.landscape(model, x, y, { resolution: 2.5 }), /landscape: resolution must be a whole number/);
  assert.throws(() => nb.landscape(model, x, y, { range: Infinity }), err(nb.ArgumentError, /^landscape: range must be a finite number > 0 .* got Infinity/));
  assert.throws(() => nb.landscape(model, x, y, { range: NaN }), /landscape: range must be a finite number > 0 .* got NaN/);
  assert.throws(() => nb.landscape(model, x, y, { range: [1, NaN] }), /landscape: range must be .* got \[1, NaN\]/);
  assert.throws(() => nb.landscape(model, x, y, { alphas: [0, NaN] }), /landscape: alphas\[1\] must be a finite number, got NaN/);
  assert.throws(() => nb.landscape(model, x, y, { betas: [1, 0] }), /landscape: betas must increase, but betas\[1\] = 0 follows 1/);
  assert.throws(() => nb.landscape(model, x, y, { alphas: [0] }), /landscape: alphas must hold at least 2 values/);
  assert.throws(() => nb.landscape(model, x, y, { samples: 0 }), /landscape: samples must be a whole number ≥ 1, got 0/);
  assert.throws(() => nb.landscape(model, x, y, { resolutoin: 5 } as nb.LandscapeOptions), /landscape: unknown option 'resolutoin'/);
  assert.throws(() => nb.landscape1d(model, x, y, { resolution: 0 }), /landscape1d: resolution must be a whole number ≥ 2/);
  const unbuilt = nb.sequential([nb.layers.dense({ units: 2 })]);
  unbuilt.compile({ optimizer: 'sgd', loss: 'mse' });
  assert.throws(() => nb.landscape(unbuilt, x, y), /modelLoss: layer '.*' is not built yet/);
});

test('landscape: directions of the wrong shape, unknown names, bad weights and parallel directions are named', () => {
  const { model, x, y } = classifier();
  const theta = nb.modelLoss(model).params();
  const bad = { ...theta, 'dense_1.kernel': nb.zeros([4, 3]) };
  assert.throws(
    () => nb.landscape(model, x, y, { directions: [theta, bad] }),
    err(nb.ShapeError, /^landscape: directions\[1\]\['dense_1.kernel'\] has shape \[4,3\], but the parameter 'dense_1.kernel' has shape \[3,4\]/),
  );
  const { 'dense_2.bias': _, ...missing } = theta;
  assert.throws(
    () => nb.landscape(model, x, y, { directions: [missing, theta] as [nb.NamedTensors, nb.NamedTensors] }),
    /landscape: directions\[0\]\['dense_2.bias'\] must be a Tensor, got undefined/,
  );
  assert.throws(
    () => nb.landscape(model, x, y, { directions: [{ ...theta, extra: nb.zeros([1]) }, theta] }),
    /landscape: directions\[0\] names 'extra', which is not a trainable parameter of the model \(dense_1.kernel, dense_1.bias, dense_2.kernel, dense_2.bias\)/,
  );
  assert.throws(
    () => nb.landscape(model, x, y, { directions: [theta] as unknown as [nb.NamedTensors, nb.NamedTensors] }),
    /landscape: directions must be two directions \[d1, d2\]/,
  );
  assert.throws(() => nb.landscape(model, x, y, { directions: [theta, theta] }), err(nb.ShapeError, /landscape: the two directions are parallel/));
  const zero = Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, nb.zerosLike(v)]));
  assert.throws(() => nb.landscape(model, x, y, { directions: [theta, zero] }), /landscape: direction 2 is zero/);
  assert.throws(
    () => nb.landscape(model, x, y, { directions: { weights: ['dense_1.kernel[3,0]', 'dense_2.bias[0]'] } }),
    err(nb.ShapeError, /landscape: directions.weights\[0\] index \[3,0\] is not an index of 'dense_1.kernel', which has shape \[3,4\]/),
  );
  assert.throws(
    () => nb.landscape(model, x, y, { directions: { weights: ['dense_9.kernel[0,0]', 'dense_2.bias[0]'] } }),
    /landscape: directions.weights\[0\] names 'dense_9.kernel', which is not a trainable parameter/,
  );
  assert.throws(
    () => nb.landscape(model, x, y, { directions: { weights: ['dense_1.kernel', 'dense_2.bias[0]'] } }),
    /landscape: directions.weights\[0\] must name one weight as 'dense_1.kernel\[0,3\]'/,
  );
  assert.throws(
    () => nb.landscape(model, x, y, { directions: { weights: ['dense_2.bias[1]', ['dense_2.bias', [1]]] } }),
    /landscape: the two directions are parallel/,
  );
  assert.throws(
    () => nb.landscape(model, x, y, { directions: 'sideways' as 'random' }),
    /landscape: directions must be 'random', 'pca', 'hessian', \{ weights: \[w1, w2\] \} or two directions/,
  );
  assert.throws(
    () => nb.landscape1d(model, x, y, { direction: { ...theta, 'dense_2.bias': nb.zeros([3]) } }),
    err(nb.ShapeError, /^landscape1d: direction\['dense_2.bias'\] has shape \[3\], but the parameter 'dense_2.bias' has shape \[2\]/),
  );
});

test("landscape 'pca' and projectPath: a path that is missing, too short, from another model, or spanning a line is named", async () => {
  const { model, x, y } = classifier();
  assert.throws(() => nb.landscape(model, x, y, { directions: 'pca' }), /landscape: directions 'pca' needs the recorded training path: give options.path/);
  const path = nb.callbacks.parameterPath();
  assert.throws(() => nb.landscape(model, x, y, { directions: 'pca', path }), /landscape: the path holds 0 points; 'pca' needs at least 2/);
  await model.fit(x, y, { epochs: 1, batchSize: 40, callbacks: [path] });
  assert.equal(path.length, 2);
  // start and end: one direction from θ*, not two
  assert.throws(
    () => nb.landscape(model, x, y, { directions: 'pca', path }),
    /landscape: the recorded path spans only 1 direction around the current weights \(2 points\), so it gives no second principal direction/,
  );
  assert.doesNotThrow(() => nb.landscape1d(model, x, y, { direction: 'pca', path, resolution: 2 }));
  assert.throws(
    () => nb.landscape1d(model, x, y, { direction: 'pca', path, normalize: 'filter' }),
    /landscape1d: normalize 'filter' does not apply to directions 'pca'/,
  );
  const other = nb.sequential([nb.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })]);
  other.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const l = nb.landscape(other, x, y, { resolution: 2 });
  assert.throws(
    () => nb.projectPath(path, l),
    err(nb.ShapeError, /^projectPath: the path's parameters \(dense_1.kernel \[3,4\], .*\) are not the landscape's \(dense_\d+.kernel \[3,2\]/),
  );
  // the same architecture under other names: by position on request
  const twin = classifier(5).model; // layers named as the first model's
  const renamed = nb.sequential([nb.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), nb.layers.dense({ units: 2, activation: 'softmax' })]);
  renamed.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const onRenamed = nb.landscape(renamed, x, y, { resolution: 2 });
  assert.throws(
    () => nb.projectPath(path, onRenamed),
    /projectPath: the path's parameters .* are not the landscape's .*: only the names differ; for another model of the same architecture pass \{ byPosition: true \}/,
  );
  assert.deepEqual(nb.projectPath(path, onRenamed, { byPosition: true }).alphas.length, 2);
  assert.equal(nb.projectPath(path, nb.landscape(twin, x, y, { resolution: 2 })).alphas.length, 2);
  assert.throws(() => nb.projectPath(path, l, { byPosition: true }), /projectPath: the path's parameters/);
  assert.throws(() => nb.projectPath(path, l, { lossy: true } as nb.ProjectPathOptions), /projectPath: unknown option 'lossy'/);
  assert.throws(() => nb.projectPath(nb.callbacks.parameterPath(), l), /projectPath: the path holds no points/);
  assert.throws(() => nb.projectPath({} as nb.callbacks.ParameterPath, l), /projectPath: path must be a recorded path/);
  assert.throws(() => nb.projectPath(path, {} as nb.Landscape), /projectPath: landscape must be the result of nb.landscape/);
  assert.throws(
    () => nb.projectPath(path, nb.landscape1d(model, x, y, { resolution: 2 }) as unknown as nb.Landscape),
    /projectPath: landscape must be the result of nb.landscape \(a 2-D landscape\)/,
  );
});
