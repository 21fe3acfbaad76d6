import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadFixture } from '../helpers.js';

// pow(a, b) against PyTorch (test/fixtures/make_pow_fixtures.py): values and
// gradients everywhere, Hessians where PyTorch's are right. PyTorch 1.13's
// second derivatives of pow are wrong in two places, which nabla fixes:
//
// - at b = 0 its base gradient where(b = 0, 0, b·aᵇ⁻¹) drops the derivative
//   in b, so ∂²/∂b∂a = 0 while ∂²/∂a∂b = 1/a: nabla's is symmetric, 1/a both
//   ways (at a < 0 both are NaN, as every derivative in b is there: ln a);
// - at a = 0 its masked branches are computed on the unsafe values (aᵇ·ln 0,
//   0·0⁻¹), so the zero cotangent of the mask times ∞ gives NaN: nabla
//   computes them on the safe base 1, so a masked derivative stays 0 to every
//   order. Where nabla's second derivative is not 0 at a = 0 it agrees with
//   PyTorch (∞ at b = −1; ∂²/∂a² = −∞ and a NaN ∂²/∂a∂b at b = ½, where the
//   derivative in b has terms ∞ − ∞).

type Datum = number | 'NaN' | 'Infinity' | '-Infinity';
interface Point {
  a: number;
  b: number;
  y: Datum;
  grad: [Datum, Datum];
  hessian: [[Datum, Datum], [Datum, Datum]];
}
const points = loadFixture<{ points: Point[] }>('pow.json').points;
const decode = (d: Datum): number => (d === 'NaN' ? NaN : d === 'Infinity' ? Infinity : d === '-Infinity' ? -Infinity : d);

/** nabla's Hessian where it differs from PyTorch's on purpose (see above); entries [i, j, value]. */
function deliberate(p: Point): [number, number, number][] {
  if (p.a === 0 && p.b >= 0) {
    // masked derivatives are 0 to every order (PyTorch: NaN); ∂²/∂a² and ∂²/∂a∂b come from the unmasked formula
    return [
      [1, 0, 0],
      [1, 1, 0],
      ...(p.b === 0
        ? ([
            [0, 0, 0],
            [0, 1, 0],
          ] as [number, number, number][])
        : []),
    ];
  }
  if (p.b === 0)
    return [
      [0, 1, p.a > 0 ? 1 / p.a : NaN],
      [1, 0, p.a > 0 ? 1 / p.a : NaN],
    ];
  return [];
}

function same(actual: number, expected: number, what: string): void {
  const ok = Number.isNaN(expected)
    ? Number.isNaN(actual)
    : !Number.isFinite(expected)
      ? actual === expected
      : Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  assert.ok(ok, `${what}: nabla ${actual}, expected ${expected}`);
}

const f = (a: Tensor, b: Tensor) => nb.pow(a, b);
const first = (i: number) => (a: Tensor, b: Tensor) => (nb.grad(f, { argnums: [0, 1] })(a, b) as Tensor[])[i]!;

for (const p of points) {
  test(`pow(${p.a}, ${p.b}): value, gradient and Hessian`, () => {
    const a = nb.scalar(p.a, 'float64'),
      b = nb.scalar(p.b, 'float64');
    same(f(a, b).item(), decode(p.y), 'value');
    const g = nb.grad(f, { argnums: [0, 1] })(a, b) as Tensor[];
    g.forEach((t, i) => same(t.item(), decode(p.grad[i]!), `gradient ${i}`));
    const H = [0, 1].map((i) => (nb.grad(first(i), { argnums: [0, 1] })(a, b) as Tensor[]).map((t) => t.item()));
    const expected = p.hessian.map((row) => row.map(decode));
    for (const [i, j, v] of deliberate(p)) expected[i]![j] = v;
    for (const i of [0, 1]) for (const j of [0, 1]) same(H[i]![j]!, expected[i]![j]!, `Hessian [${i}][${j}]`);
    if (p.a !== 0) same(H[0]![1]!, H[1]![0]!, 'Hessian symmetry');
  });
}

test("the issue's cases: the Hessian at (4, 0) is symmetric, and d²/dx² x⁰ at 0 is 0", () => {
  const H = nb.hessian((v: Tensor) => nb.pow(nb.gather(v, [0]), nb.gather(v, [1])).reshape([]))(nb.tensor([4, 0], undefined, 'float64'));
  const h = H.toArray() as number[][];
  same(h[0]![1]!, 0.25, 'H[0][1]');
  same(h[1]![0]!, 0.25, 'H[1][0]');
  for (const dtype of ['float32', 'float64'] as const) {
    const d2 = nb.grad((x: Tensor) => nb.grad((u: Tensor) => nb.pow(u, 0))(x))(nb.scalar(0, dtype));
    assert.equal(d2.item(), 0, dtype);
  }
});
