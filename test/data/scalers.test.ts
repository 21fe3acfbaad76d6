import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';

// three examples, three features; the last is constant
const x = nb.tensor(
  [
    [1, 10, 5],
    [2, 20, 5],
    [3, 60, 5],
  ],
  undefined,
  'float64',
);

function close(actual: nb.Tensor, expected: number[][] | number[], tol = 1e-12) {
  const a = (actual.toArray() as number[] | number[][]).flat(),
    e = expected.flat();
  assert.equal(a.length, e.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) <= tol, `index ${i}: ${v} vs ${e[i]}`));
}

test('standardScaler: mean, std (ddof 0), constant feature, transform and inverse', () => {
  const s = nb.data.standardScaler().fit(x);
  close(s.mean, [2, 30, 5]);
  const sd1 = Math.sqrt(2 / 3),
    sd2 = Math.sqrt((400 + 100 + 900) / 3);
  close(s.std, [sd1, sd2, 1]);
  assert.equal(s.mean.dtype, 'float64');
  const z = s.transform(x);
  assert.equal(z.dtype, 'float64');
  close(z, [
    [-1 / sd1, -20 / sd2, 0],
    [0, -10 / sd2, 0],
    [1 / sd1, 30 / sd2, 0],
  ]);
  close(s.inverseTransform(z), x.toArray());
  close(nb.mean(z, 0), [0, 0, 0]);
  const f32 = nb.data.standardScaler().fitTransform(nb.cast(x, 'float32'));
  assert.equal(f32.dtype, 'float32');
  close(f32, z.toArray(), 1e-6);
  assert.deepEqual(s.featureShape, [3]);
  assert.equal(s.nSamples, 3);
});

test('minMaxScaler: min, max, featureRange, constant feature and inverse', () => {
  const s = nb.data.minMaxScaler().fit(x);
  close(s.min, [1, 10, 5]);
  close(s.max, [3, 60, 5]);
  close(s.transform(x), [
    [0, 0, 0],
    [0.5, 0.2, 0],
    [1, 1, 0],
  ]);
  close(s.transform(nb.tensor([[5, 110, 6]], undefined, 'float64')), [[2, 2, 1]]);
  const r = nb.data.minMaxScaler({ featureRange: [-1, 1] });
  const y = r.fitTransform(x);
  close(y, [
    [-1, -1, -1],
    [0, -0.6, -1],
    [1, 1, -1],
  ]);
  close(r.inverseTransform(y), x.toArray());
  assert.deepEqual(r.featureRange, [-1, 1]);
});

test('scalers work on [n, ...features] images and on plain arrays', () => {
  const imgs = nb.tensor([
    [
      [0, 2],
      [4, 6],
    ],
    [
      [2, 2],
      [0, 10],
    ],
  ]);
  const s = nb.data.minMaxScaler().fit(imgs);
  assert.deepEqual(s.min.shape, [2, 2]);
  assert.deepEqual(s.transform(imgs).toArray(), [
    [
      [0, 0],
      [1, 0],
    ],
    [
      [1, 0],
      [0, 1],
    ],
  ]);
  close(nb.data.standardScaler().fitTransform([[1], [3]]), [[-1], [1]]);
});

test('scaler errors: not fitted, feature-count mismatch naming both shapes, bad input', () => {
  const s = nb.data.standardScaler();
  assert.equal(s.fitted, false);
  assert.throws(
    () => s.transform(x),
    (e: Error) => e instanceof nb.NablaError && e.message === 'StandardScaler.transform: the scaler is not fitted yet; call fit(xTrain) first',
  );
  assert.throws(() => s.mean, /StandardScaler.mean: the scaler is not fitted yet/);
  assert.throws(() => nb.data.minMaxScaler().inverseTransform(x), /MinMaxScaler.inverseTransform: the scaler is not fitted yet/);
  s.fit(x);
  assert.throws(
    () => s.transform(nb.zeros([5, 4])),
    (e: Error) =>
      e instanceof nb.ShapeError && e.message === 'StandardScaler.transform: x has shape [5,4], but the scaler was fitted on shape [3,3]; expected [n,3]',
  );
  assert.throws(() => s.inverseTransform(nb.zeros([3])), /expected x of shape \[n, features\], got \[3\]/);
  assert.throws(() => s.fit(nb.zeros([0, 3])), /no examples to fit on/);
  assert.throws(() => nb.data.minMaxScaler({ featureRange: [1, 1] }), /featureRange must be \[lo, hi\] with finite lo < hi/);
});

test('scalers round-trip through JSON', () => {
  const s = nb.data.standardScaler().fit(x);
  const json = JSON.stringify(s);
  const back = nb.data.scalerFromJSON(json) as nb.data.StandardScaler;
  assert.ok(back instanceof nb.data.StandardScaler);
  assert.deepEqual(back.transform(x).toArray(), s.transform(x).toArray());
  assert.deepEqual(back.std.toArray(), s.std.toArray());
  assert.deepEqual(nb.data.StandardScaler.fromJSON(s.toJSON()).mean.toArray(), s.mean.toArray());

  const m = nb.data.minMaxScaler({ featureRange: [-2, 3] }).fit(nb.cast(x, 'float32'));
  const mBack = nb.data.scalerFromJSON(JSON.parse(JSON.stringify(m)));
  assert.ok(mBack instanceof nb.data.MinMaxScaler);
  assert.deepEqual(mBack.featureRange, [-2, 3]);
  assert.deepEqual(mBack.transform(x).toArray(), m.transform(x).toArray());

  const unfitted = nb.data.scalerFromJSON(JSON.stringify(nb.data.standardScaler({ withMean: false })));
  assert.equal(unfitted.fitted, false);
  assert.equal((unfitted as nb.data.StandardScaler).withMean, false);
  assert.throws(() => nb.data.scalerFromJSON({ type: 'robustScaler' } as never), /unknown scaler type "robustScaler"/);
  assert.throws(() => nb.data.MinMaxScaler.fromJSON(s.toJSON() as never), /expected type 'minMaxScaler', got "standardScaler"/);
  const broken = { ...s.toJSON(), fit: { ...s.toJSON().fit!, mean: [1, 2] } };
  assert.throws(() => nb.data.StandardScaler.fromJSON(broken), /fit.mean must be an array of 3 numbers/);
});

test('scalers: NaN propagates to its feature only; infinities are ordinary extremes', () => {
  const m = nb.data.minMaxScaler().fit(
    nb.tensor(
      [
        [0, NaN, -Infinity],
        [2, 1, Infinity],
      ],
      undefined,
      'float64',
    ),
  );
  assert.deepEqual(m.min.toArray(), [0, NaN, -Infinity]);
  assert.deepEqual(m.max.toArray(), [2, NaN, Infinity]);
  const s = nb.data.standardScaler().fit(
    nb.tensor([
      [1, NaN],
      [3, 0],
    ]),
  );
  assert.deepEqual(s.mean.toArray(), [2, NaN]);
  assert.deepEqual(s.std.toArray(), [1, NaN]);
});
