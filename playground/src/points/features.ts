// The input features of the Points lab, computed from x₁, x₂ with nabla ops.
import * as nb from 'nabla';
import type { FeatureName } from './config.js';

const featureOf: Record<FeatureName, (x1: nb.Tensor, x2: nb.Tensor) => nb.Tensor> = {
  x1: (x1) => x1,
  x2: (_, x2) => x2,
  x1sq: (x1) => nb.square(x1),
  x2sq: (_, x2) => nb.square(x2),
  x1x2: (x1, x2) => nb.mul(x1, x2),
  sinx1: (x1) => nb.sin(x1),
  sinx2: (_, x2) => nb.sin(x2),
};

/** The feature matrix [n, features.length] of points xy [n, 2]. */
export function featurize(xy: nb.Tensor, features: readonly FeatureName[]): nb.Tensor {
  const x1 = nb.slice(xy, [0, 0], [-1, 1]),
    x2 = nb.slice(xy, [0, 1], [-1, 1]);
  return nb.concat(
    features.map((f) => featureOf[f](x1, x2)),
    1,
  );
}

/** The centres of a res×res grid over [-extent, extent]², row by row from the top (x₂ = +extent) down. */
export function gridPoints(res: number, extent: number): Float32Array {
  const out = new Float32Array(2 * res * res);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const i = r * res + c;
      out[2 * i] = -extent + (2 * extent * (c + 0.5)) / res;
      out[2 * i + 1] = extent - (2 * extent * (r + 0.5)) / res;
    }
  }
  return out;
}
