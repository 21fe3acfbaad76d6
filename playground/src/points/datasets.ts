// TF Playground's four classification data sets (circle, exclusive or,
// Gaussian, spiral) and a three-armed spiral, drawn with nabla's seeded
// generator so a seed always gives the same points. Coordinates lie in
// about [-6, 6]²; `noise` is 0-0.5 as in TF Playground.
import type * as nb from 'nabla';
import type { DatasetName } from './config.js';

export interface Points {
  /** x₁, x₂ of each point, interleaved. */
  xy: Float32Array;
  /** The class of each point: 0 or 1 (or 2 for spiral3). */
  label: Uint8Array;
}

type Gen = nb.Generator;
const uniform = (g: Gen, lo: number, hi: number) => lo + (hi - lo) * g.uniform();

/** `n` points of a data set with the given noise, from generator `g`. */
export function makePoints(name: DatasetName, n: number, noise: number, g: Gen): Points {
  const xy = new Float32Array(2 * n),
    label = new Uint8Array(n);
  const put = (i: number, x: number, y: number, c: number) => {
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
    label[i] = c;
  };
  const half = Math.floor(n / 2);
  switch (name) {
    case 'circle': {
      // class 1 inside radius 2.5, class 0 in the ring 3.5-5; the label is read after noise moves the point
      const radius = 5;
      for (let i = 0; i < n; i++) {
        const r = i < half ? uniform(g, 0, radius * 0.5) : uniform(g, radius * 0.7, radius);
        const a = uniform(g, 0, 2 * Math.PI);
        const x = r * Math.sin(a),
          y = r * Math.cos(a);
        const nx = uniform(g, -radius, radius) * noise,
          ny = uniform(g, -radius, radius) * noise;
        put(i, x, y, Math.hypot(x + nx, y + ny) < radius * 0.5 ? 1 : 0);
      }
      break;
    }
    case 'xor': {
      const pad = 0.3;
      for (let i = 0; i < n; i++) {
        let x = uniform(g, -5, 5),
          y = uniform(g, -5, 5);
        x += x > 0 ? pad : -pad;
        y += y > 0 ? pad : -pad;
        const nx = uniform(g, -5, 5) * noise,
          ny = uniform(g, -5, 5) * noise;
        put(i, x, y, (x + nx) * (y + ny) >= 0 ? 1 : 0);
      }
      break;
    }
    case 'gauss': {
      // two blobs at ±(2, 2); the variance grows with the noise from 0.5 to 4
      const sd = Math.sqrt(0.5 + (4 - 0.5) * noise);
      for (let i = 0; i < n; i++) {
        const c = i < half ? 1 : 0,
          m = c === 1 ? 2 : -2;
        put(i, m + sd * g.normal(), m + sd * g.normal(), c);
      }
      break;
    }
    case 'spiral':
    case 'spiral3': {
      const arms = name === 'spiral' ? 2 : 3;
      const per = Math.floor(n / arms);
      for (let i = 0; i < n; i++) {
        const arm = Math.min(arms - 1, Math.floor(i / per)),
          k = i - arm * per;
        const r = (k / per) * 5,
          t = ((1.75 * k) / per) * 2 * Math.PI + (2 * Math.PI * arm) / arms;
        const x = r * Math.sin(t) + uniform(g, -1, 1) * noise,
          y = r * Math.cos(t) + uniform(g, -1, 1) * noise;
        put(i, x, y, arms === 2 ? 1 - arm : arm);
      }
      break;
    }
  }
  return { xy, label };
}
