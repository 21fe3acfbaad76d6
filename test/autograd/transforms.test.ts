import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertClose, randn } from '../helpers.js';

const f64 = (v: nb.NestedArray) => nb.tensor(v, undefined, 'float64');

test('grad of x·sin(x) is sin(x) + x·cos(x), with the shape of x', () => {
  const x = randn([2, 3], 1);
  const g = nb.grad((t: Tensor) => nb.sum(nb.mul(t, nb.sin(t))))(x);
  const xs = x.storage;
  assertClose(g, { shape: [2, 3], data: Array.from(xs, (v) => Math.sin(v) + v * Math.cos(v)) }, 1e-12, 1e-14, 'grad');
});

test('grad with argnums: one index gives one gradient, an array gives an array', () => {
  const f = (a: Tensor, b: Tensor) => nb.sum(nb.mul(nb.square(a), b));
  const a = f64([1, 2]),
    b = f64([3, 4]);
  assert.deepEqual(nb.grad(f, { argnums: 1 })(a, b).toArray(), [1, 4]); // ∂/∂b = a²
  const [ga, gb] = nb.grad(f, { argnums: [0, 1] })(a, b) as Tensor[];
  assert.deepEqual(ga!.toArray(), [6, 16]); // ∂/∂a = 2ab
  assert.deepEqual(gb!.toArray(), [1, 4]);
  assert.deepEqual(nb.grad(f)(a, b).toArray(), [6, 16]); // the default is argument 0
});

test('valueAndGrad returns the value and the gradient', () => {
  const [v, g] = nb.valueAndGrad((x: Tensor) => nb.sum(nb.square(x)))(f64([3, 4]));
  assert.equal(v.item(), 25);
  assert.deepEqual(g.toArray(), [6, 8]);
});

test('grad over trees: plain objects and arrays of parameters', () => {
  const params = {
    w: f64([
      [1, 2],
      [3, 4],
    ]),
    b: [f64([0.5, -0.5])],
  };
  const x = f64([1, -1]);
  const loss = (p: typeof params) => nb.sum(nb.add(nb.matmul(p.w, x), p.b[0]!));
  const g = nb.grad(loss)(params) as typeof params;
  assert.deepEqual(g.w.toArray(), [
    [1, -1],
    [1, -1],
  ]); // ∂/∂W Σ(Wx + b) = 1·xᵀ
  assert.deepEqual(g.b[0]!.toArray(), [1, 1]);
});

test('a variable that does not affect the output gets a zero gradient', () => {
  const g = nb.grad((a: Tensor, _b: Tensor) => nb.sum(a), { argnums: [0, 1] })(f64([1, 2]), f64([[1, 2, 3]])) as Tensor[];
  assert.deepEqual(g[1]!.toArray(), [[0, 0, 0]]);
});

test('vjp returns the value and a reusable pullback cᵀJ', () => {
  const A = f64([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const [y, pullback] = nb.vjp((x: Tensor) => nb.matmul(A, x), f64([1, 0, -1]));
  assert.deepEqual(y.toArray(), [-2, -2]);
  assert.deepEqual((pullback(f64([1, 0]))[0] as Tensor).toArray(), [1, 2, 3]);
  assert.deepEqual((pullback(f64([0, 1]))[0] as Tensor).toArray(), [4, 5, 6]);
  assert.throws(() => pullback(f64([1, 2, 3])), /cotangent shape \[3\] does not match output shape \[2\]/);
});

test('jacobian has shape [...out, ...in] and matches closed forms', () => {
  const A = randn([3, 4], 2);
  const J = nb.jacobian((x: Tensor) => nb.matmul(A, x))(randn([4], 3));
  assertClose(J, { shape: [3, 4], data: A.storage }, 0, 1e-15, 'J of Ax is A');
  // elementwise: J of sin over a [2,2] input is diag(cos x) laid out as [2,2,2,2]
  const x = randn([2, 2], 4);
  const Js = nb.jacobian((t: Tensor) => nb.sin(t))(x);
  assert.deepEqual([...Js.shape], [2, 2, 2, 2]);
  const expected: number[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expected.push(i === j ? Math.cos(x.storage[i]!) : 0);
  assertClose(Js, { shape: [2, 2, 2, 2], data: expected }, 1e-14, 1e-15, 'J of sin');
  // the Jacobian of softmax is diag(s) − s sᵀ
  const z = randn([4], 5);
  const s = nb.softmax(z).storage;
  const Jsm = nb.jacobian((t: Tensor) => nb.softmax(t))(z);
  const ref: number[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) ref.push((i === j ? s[i]! : 0) - s[i]! * s[j]!);
  assertClose(Jsm, { shape: [4, 4], data: ref }, 1e-12, 1e-14, 'J of softmax');
});

/** The Rosenbrock function f(a, b) = (1 − a)² + 100(b − a²)². */
const rosenbrock = (v: Tensor) => {
  const a = nb.slice(v, [0], [1]),
    b = nb.slice(v, [1], [1]);
  return nb.sum(nb.add(nb.square(nb.sub(1, a)), nb.mul(100, nb.square(nb.sub(b, nb.square(a))))));
};

test('hessian of the Rosenbrock function matches its closed form', () => {
  for (const [a, b] of [
    [1.5, 2],
    [-0.3, 0.7],
    [1, 1],
  ] as const) {
    const H = nb.hessian(rosenbrock)(f64([a, b]));
    const closed = [2 - 400 * (b - a * a) + 800 * a * a, -400 * a, -400 * a, 200];
    assertClose(H, { shape: [2, 2], data: closed }, 1e-12, 1e-12, `H at (${a}, ${b})`);
  }
  // and its gradient: [−2(1 − a) − 400a(b − a²), 200(b − a²)]
  const g = nb.grad(rosenbrock)(f64([1.5, 2]));
  assertClose(g, { shape: [2], data: [-2 * (1 - 1.5) - 400 * 1.5 * (2 - 2.25), 200 * (2 - 2.25)] }, 1e-12, 1e-12, 'gradient');
});

test('hessian of a quadratic form ½xᵀAx is (A + Aᵀ)/2', () => {
  const A = randn([3, 3], 6);
  const H = nb.hessian((x: Tensor) => nb.mul(0.5, nb.dot(x, nb.matmul(A, x))))(randn([3], 7));
  const a = A.storage,
    sym: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) sym.push((a[i * 3 + j]! + a[j * 3 + i]!) / 2);
  assertClose(H, { shape: [3, 3], data: sym }, 1e-12, 1e-14, 'H');
});

test('hvp equals hessian·v without forming the Hessian', () => {
  const f = (x: Tensor) => nb.sum(nb.mul(nb.exp(nb.mul(x, 0.3)), nb.sin(x)));
  const x = randn([5], 8),
    v = randn([5], 9);
  const H = nb.hessian(f)(x);
  const Hv = nb.matmul(H, v);
  assertClose(nb.hvp(f)(x, v), { shape: [5], data: Hv.storage }, 1e-12, 1e-13, 'hvp');
  const rx = f64([0.5, -1]),
    rv = f64([1, 2]);
  assertClose(nb.hvp(rosenbrock)(rx, rv), { shape: [2], data: nb.matmul(nb.hessian(rosenbrock)(rx), rv).storage }, 1e-12, 1e-12, 'Rosenbrock hvp');
});

test('nesting without perturbation confusion: d/dx [x · d/dy (x·y)] = 2x', () => {
  const inner = (x: Tensor) => nb.grad((y: Tensor) => nb.mul(x, y))(f64(3)); // = x, for any y
  const outer = nb.grad((x: Tensor) => nb.mul(x, inner(x)));
  for (const x of [5, -2, 0.25]) assert.equal(outer(f64(x)).item(), 2 * x);
});

test('higher derivatives: the fourth derivative of sin is sin; of sigmoid and tanh, exact', () => {
  const d = (f: (x: Tensor) => Tensor) => (x: Tensor) => nb.grad((t: Tensor) => nb.sum(f(t)))(x);
  const d4 = d(d(d(d(nb.sin))));
  const x = randn([4], 10);
  assertClose(d4(x), { shape: [4], data: Array.from(x.storage, Math.sin) }, 1e-12, 1e-14, 'sin⁗');
  // σ'' = σ(1 − σ)(1 − 2σ), tanh'' = −2 tanh (1 − tanh²): checked at 0 and away from it
  const pts = f64([-3, -0.5, 0, 0.7, 4]);
  const sg = (v: number) => 1 / (1 + Math.exp(-v));
  assertClose(d(d(nb.sigmoid))(pts), { shape: [5], data: Array.from(pts.storage, (v) => sg(v) * (1 - sg(v)) * (1 - 2 * sg(v))) }, 1e-12, 1e-15, "σ''");
  assertClose(d(d(nb.tanh))(pts), { shape: [5], data: Array.from(pts.storage, (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)) }, 1e-12, 1e-15, "tanh''");
  assertClose(d(d(nb.exp))(pts), { shape: [5], data: Array.from(pts.storage, Math.exp) }, 1e-14, 0, "exp''");
});

test('stopGradient makes a value constant for differentiation', () => {
  const g = nb.grad((x: Tensor) => nb.sum(nb.mul(x, nb.stopGradient(x))))(f64([2, 3]));
  assert.deepEqual(g.toArray(), [2, 3]); // not 2x
});

test('noGrad records nothing: values computed inside are constants', () => {
  const g = nb.grad((x: Tensor) => {
    const c = nb.noGrad(() => nb.mul(x, 10));
    return nb.sum(nb.add(nb.mul(x, x), c));
  })(f64([1, 2]));
  assert.deepEqual(g.toArray(), [2, 4]);
  // and results returned to top level carry no graph
  const [v] = nb.valueAndGrad((x: Tensor) => nb.sum(x))(f64([1]));
  assert.equal(v.node, null);
});

test('transforms reject what they cannot differentiate, with clear errors', () => {
  assert.throws(() => nb.grad((x: Tensor) => nb.mul(x, 2))(f64([1, 2])), /grad: the function must return a float scalar.*shape \[2\]/);
  assert.throws(() => nb.grad((x: Tensor) => nb.sum(x))(nb.tensor([1, 2], [2], 'int32')), /cannot differentiate with respect to an int32 tensor/);
  assert.throws(() => nb.grad((x: Tensor) => nb.sum(x), { argnums: 2 })(f64([1])), /argnum 2 is out of range/);
});

test('float32 gradients are float32 and match float64 to single precision', () => {
  const f = (x: Tensor) => nb.sum(nb.logSoftmax(nb.mul(x, x), -1));
  const x64 = randn([2, 5], 11);
  const g32 = nb.grad(f)(nb.cast(x64, 'float32'));
  assert.equal(g32.dtype, 'float32');
  assertClose(g32, { shape: [2, 5], data: nb.grad(f)(x64).storage }, 1e-4, 1e-5, 'float32 gradient');
});

test('mixed float32/float64 inputs promote, and each gradient keeps its input dtype', () => {
  const [ga, gb] = nb.grad((a: Tensor, b: Tensor) => nb.sum(nb.mul(a, b)), { argnums: [0, 1] })(nb.tensor([1, 2], [2], 'float32'), f64([3, 4])) as Tensor[];
  assert.equal(ga!.dtype, 'float32');
  assert.equal(gb!.dtype, 'float64');
  assert.deepEqual(ga!.toArray(), [3, 4]);
});

test('hessian with several argnums returns the blocks ∂²f/∂xᵢ∂xⱼ', () => {
  // f(a, b) = Σ a² b: ∂²/∂a² = diag(2b), ∂²/∂a∂b = diag(2a), ∂²/∂b² = 0
  const a = f64([1, 2]),
    b = f64([3, 4]);
  const H = nb.hessian((x: Tensor, y: Tensor) => nb.sum(nb.mul(nb.square(x), y)), { argnums: [0, 1] })(a, b) as Tensor[][];
  assert.deepEqual(H[0]![0]!.toArray(), [
    [6, 0],
    [0, 8],
  ]);
  assert.deepEqual(H[0]![1]!.toArray(), [
    [2, 0],
    [0, 4],
  ]);
  assert.deepEqual(H[1]![0]!.toArray(), [
    [2, 0],
    [0, 4],
  ]);
  assert.deepEqual(H[1]![1]!.toArray(), [
    [0, 0],
    [0, 0],
  ]);
});

test('pow at a zero base: no NaN in first or second derivatives', () => {
  const z = f64([0, 1]);
  assert.deepEqual(
    nb
      .grad((x: Tensor) => nb.sum(nb.pow(x, 0)))(z)
      .toArray(),
    [0, 0],
  );
  const base = f64([0, 2]);
  const d2 = nb
    .grad((b: Tensor) => nb.sum(nb.grad((bb: Tensor) => nb.sum(nb.pow(base, bb)))(b)))(f64([2, 2]))
    .toArray() as number[];
  assert.equal(d2[0], 0);
  assert.ok(Math.abs(d2[1]! - 4 * Math.log(2) ** 2) < 1e-12); // d²/db² 2ᵇ = 2ᵇ ln²2 at b = 2
});
