// Directions in parameter space for the loss landscape: filter-normalised
// random directions (Li et al. 2018), single weights, and checks of given ones.
import { ArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../core/describe.js';
import { formatShape } from '../core/shape.js';
import { Generator } from '../core/random.js';
import { dot, type ParamSpace } from './space.js';

/**
 * One weight of the model: `'dense_1.kernel[0,3]'`, or the pair
 * `['dense_1.kernel', [0, 3]]` (the parameter's name and the weight's index).
 */
export type WeightRef = string | readonly [string, readonly number[]];

/**
 * Filter normalisation (Li et al. 2018, eq. 1), in place: for every filter
 * F of every parameter, d_F ← d_F / ‖d_F‖ · ‖θ*_F‖, so that a step of 1
 * along d moves each filter by its own size. A filter is a slice along the
 * parameter's last axis: a Dense kernel [in, units] has one per neuron (its
 * column of incoming weights), a conv kernel [kh, kw, cin, filters] one per
 * output channel. Parameters of rank ≤ 1 (biases, batch-norm γ and β) get
 * a zero direction unless `includeBiases`, when each entry is its own
 * filter (d_i ← sign(d_i)·|θ*_i|). A filter of θ* that is zero gets zero.
 */
export function filterNormalize(d: Float64Array, theta: ArrayLike<number>, space: ParamSpace, includeBiases: boolean): void {
  space.names.forEach((_, p) => {
    const shape = space.shapes[p]!;
    const at = space.offsets[p]!,
      n = space.sizeOf(p);
    if (shape.length <= 1) {
      for (let i = at; i < at + n; i++) d[i] = includeBiases ? Math.sign(d[i]!) * Math.abs(theta[i]!) : 0;
      return;
    }
    const c = shape[shape.length - 1]!;
    const dn = new Float64Array(c),
      tn = new Float64Array(c);
    for (let i = 0; i < n; i++) {
      const f = i % c;
      dn[f]! += d[at + i]! ** 2;
      tn[f]! += theta[at + i]! ** 2;
    }
    for (let f = 0; f < c; f++) dn[f] = dn[f]! > 0 ? Math.sqrt(tn[f]!) / Math.sqrt(dn[f]!) : 0;
    for (let i = 0; i < n; i++) d[at + i]! *= dn[i % c]!;
  });
}

/** `count` random directions, standard normal entries from `new Generator(seed)` (to be filter-normalised: {@link filterNormalize}). */
export function randomDirections(count: number, space: ParamSpace, seed: number): Float64Array[] {
  const g = new Generator(seed);
  return Array.from({ length: count }, () => {
    const d = new Float64Array(space.size);
    g.fillNormal(d, 0, 1);
    return d;
  });
}

/** The unit direction e_w of one weight (1 at that weight, 0 elsewhere), and the weight's name as 'dense_1.kernel[0,3]'. */
export function weightDirection(op: string, arg: string, ref: unknown, space: ParamSpace): { d: Float64Array; label: string } {
  const [name, index] = parseWeightRef(op, arg, ref);
  const p = space.names.indexOf(name);
  if (p < 0) throw new ArgumentError(`${op}: ${arg} names '${name}', which is not a trainable parameter of the model (${space.names.join(', ')})`);
  const shape = space.shapes[p]!;
  if (index.length !== shape.length || index.some((v, i) => !Number.isInteger(v) || v < 0 || v >= shape[i]!)) {
    throw new ShapeError(`${op}: ${arg} index [${index.join(',')}] is not an index of '${name}', which has shape ${formatShape(shape)}`);
  }
  let flat = 0;
  index.forEach((v, i) => {
    flat = flat * shape[i]! + v;
  });
  const d = new Float64Array(space.size);
  d[space.offsets[p]! + flat] = 1;
  return { d, label: `${name}[${index.join(',')}]` };
}

function parseWeightRef(op: string, arg: string, ref: unknown): [string, number[]] {
  if (typeof ref === 'string') {
    const m = /^(.+)\[\s*(-?\d+(?:\s*,\s*-?\d+)*)?\s*\]$/.exec(ref.trim());
    if (m) return [m[1]!, m[2] === undefined ? [] : m[2].split(',').map((s) => Number(s.trim()))];
  } else if (Array.isArray(ref) && ref.length === 2 && typeof ref[0] === 'string' && Array.isArray(ref[1])) {
    return [ref[0], (ref[1] as unknown[]).map((v) => (typeof v === 'number' ? v : NaN))];
  }
  throw new ArgumentError(`${op}: ${arg} must name one weight as 'dense_1.kernel[0,3]' or ['dense_1.kernel', [0, 3]], got ${describe(ref)}`);
}

/** d2 − (d1·d2 / d1·d1)·d1: d2 made orthogonal to d1 (Gram–Schmidt), in place. */
export function orthogonalize(d1: Float64Array, d2: Float64Array): void {
  const n11 = dot(d1, d1);
  if (n11 === 0) return;
  const c = dot(d1, d2) / n11;
  for (let i = 0; i < d2.length; i++) d2[i]! -= c * d1[i]!;
}
