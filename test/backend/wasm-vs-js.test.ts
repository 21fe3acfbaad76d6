import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { jsKernels } from '../../src/backend/js/index.js';

// The wasm backend must match the js reference within float32 tolerance, on
// inputs large enough to take the wasm paths, including the edge values.

function onBoth(f: () => Tensor): [Tensor, Tensor] {
  nb.setBackend('js');
  try {
    const js = f();
    nb.setBackend('wasm');
    return [f(), js];
  } finally {
    nb.setBackend('wasm');
  }
}

/**
 * How many calls `f` hands to the js kernels `names` when run on wasm (by default binary ops
 * and comparisons: the fallback for broadcasts that need more than three dimensions).
 */
function jsFallbacks(f: () => unknown, names: readonly (keyof typeof jsKernels)[] = ['binary', 'compare']): number {
  const kernels = jsKernels as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = names.map((name) => kernels[name]!);
  let calls = 0;
  names.forEach((name, i) => {
    kernels[name] = (...args) => {
      calls++;
      return saved[i]!(...args);
    };
  });
  nb.setBackend('wasm');
  try {
    f();
  } finally {
    names.forEach((name, i) => (kernels[name] = saved[i]!));
  }
  return calls;
}

function assertMatch([w, j]: [Tensor, Tensor], what: string, rtol = 2e-6, atol = 1e-6): void {
  assert.deepEqual([...w.shape], [...j.shape], `${what}: shape`);
  assert.equal(w.dtype, j.dtype, `${what}: dtype`);
  const a = w.storage,
    b = j.storage;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!;
    if (Number.isNaN(y)) {
      assert.ok(Number.isNaN(x), `${what}[${i}]: ${x}, expected NaN`);
      continue;
    }
    if (!Number.isFinite(y)) {
      assert.equal(x, y, `${what}[${i}]`);
      continue;
    }
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) assert.fail(`${what}[${i}]: wasm ${x}, js ${y}`);
  }
}

const g = new nb.Generator(123);
const rnd = (shape: number[], scale = 1) => nb.mul(nb.randomNormal(shape, 0, 1, { generator: g }), scale);
const edges = [
  0,
  -0,
  1e-40,
  -1e-40,
  1e-30,
  1e-10,
  -1e-10,
  0.5,
  -0.5,
  1,
  -1,
  10,
  -10,
  88,
  89,
  -87,
  -90,
  -95,
  -100,
  -103,
  -104,
  -110,
  1000,
  -1000,
  Infinity,
  -Infinity,
  NaN,
];

test('wasm loads with SIMD, and uses FMA where the engine accepts relaxed SIMD', () => {
  assert.ok(nb.listBackends().includes('wasm'));
  assert.ok(nb.wasmBuild() === 'relaxed' || nb.wasmBuild() === 'simd');
});

test('unary kernels match js, including ±0, subnormals, ±1000, ±Infinity and NaN', () => {
  const x = nb.concat([rnd([997], 5), nb.tensor(edges)]);
  const positive = nb.abs(x);
  for (const [name, f] of [
    ['exp', nb.exp],
    ['tanh', nb.tanh],
    ['neg', nb.neg],
    ['abs', nb.abs],
  ] as const) {
    assertMatch(
      onBoth(() => f(x)),
      name,
      3e-7,
      0,
    );
  }
  assertMatch(
    onBoth(() => nb.log(positive)),
    'log',
    3e-7,
    0,
  );
  assertMatch(
    onBoth(() => nb.log(x)),
    'log of negatives is NaN',
    3e-7,
    0,
  );
  assertMatch(
    onBoth(() => nb.sqrt(positive)),
    'sqrt',
    0,
    0,
  );
});

test('binary kernels match js for every broadcast pattern, wasm-shaped or not', () => {
  const shapes: [number[], number[]][] = [
    [
      [37, 41],
      [37, 41],
    ], // same shape
    [[37, 41], []], // scalar
    [[37, 41], [41]], // bias row
    [
      [37, 41],
      [37, 1],
    ], // column
    [
      [1, 41],
      [37, 1],
    ], // outer
    [
      [5, 7, 9],
      [7, 9],
    ], // collapses to 2-D
    [[4099], [4099]], // odd length tail
    // 3-D patterns (outer × rows × cols)
    [
      [5, 7, 9],
      [7, 1],
    ], // a column per outer index
    [
      [6, 5, 19],
      [6, 1, 19],
    ], // a row per outer index (x − mean over the middle axis)
    [
      [6, 1, 19],
      [1, 5, 19],
    ], // outer × middle
    [
      [7, 5, 1],
      [7, 1, 19],
    ], // both operands broadcast in the inner dimension
    [
      [50, 9, 16],
      [50, 1, 16],
    ], // max pooling's backward
    [
      [3, 4, 5, 18],
      [3, 4, 1, 18],
    ], // 4-D that merges into 3-D
    [
      [2, 3, 1, 4, 5],
      [2, 3, 6, 1, 1],
    ], // 5-D that merges into 3-D
    // 4 dimensions after merging: js fallback
    [
      [3, 4, 5, 6],
      [3, 1, 5, 1],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 5],
    ],
  ];
  for (const [sa, sb] of shapes) {
    const a = rnd(sa),
      b = nb.add(nb.abs(rnd(sb)), 0.1);
    for (const [name, f] of [
      ['add', nb.add],
      ['sub', nb.sub],
      ['mul', nb.mul],
      ['div', nb.div],
      ['maximum', nb.maximum],
      ['minimum', nb.minimum],
    ] as const) {
      assertMatch(
        onBoth(() => f(a, b)),
        `${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`,
      );
      assertMatch(
        onBoth(() => f(b, a)),
        `${name} reversed ${JSON.stringify(sb)} ${JSON.stringify(sa)}`,
      );
    }
    for (const [name, f] of [
      ['equal', nb.equal],
      ['greater', nb.greater],
      ['less', nb.less],
      ['greaterEqual', nb.greaterEqual],
      ['lessEqual', nb.lessEqual],
      ['notEqual', nb.notEqual],
    ] as const) {
      assertMatch(
        onBoth(() => f(a, b)),
        `${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`,
        0,
        0,
      );
      assertMatch(
        onBoth(() => f(a, a)),
        `${name} of equal values ${JSON.stringify(sa)}`,
        0,
        0,
      );
    }
  }
  const e = nb.tensor([...edges, ...edges, ...edges]),
    r = nb.tensor([...edges, ...edges, ...edges].reverse());
  assertMatch(
    onBoth(() => nb.maximum(e, r)),
    'maximum with NaN and infinities',
    0,
    0,
  );
  assertMatch(
    onBoth(() => nb.minimum(e, r)),
    'minimum with NaN and infinities',
    0,
    0,
  );
});

test('broadcasts of up to three merged dimensions run in wasm, more on the js kernels, small ones too', () => {
  const wasm = wasmKernels()!;
  const saved = wasm.minElements;
  wasm.minElements = 1;
  try {
    const cases: [number[], number[], boolean][] = [
      [[2, 3, 5], [2, 1, 5], true],
      [[2, 1, 3], [1, 4, 3], true],
      [[3, 2, 1], [3, 1, 2], true],
      [[2, 2, 3, 2], [2, 2, 1, 2], true],
      [[6, 33], [6, 1], true],
      [[4, 1, 3, 1], [1, 5, 1, 2], false],
      [[2, 3, 4, 5], [2, 1, 4, 1], false],
    ];
    for (const [sa, sb, inWasm] of cases) {
      const a = rnd(sa),
        b = nb.add(nb.abs(rnd(sb)), 0.1);
      const what = `${JSON.stringify(sa)} ${JSON.stringify(sb)}`;
      for (const [name, f] of [
        ['add', nb.add],
        ['sub', nb.sub],
        ['mul', nb.mul],
        ['div', nb.div],
        ['maximum', nb.maximum],
        ['minimum', nb.minimum],
        ['equal', nb.equal],
        ['greater', nb.greater],
        ['less', nb.less],
        ['greaterEqual', nb.greaterEqual],
        ['lessEqual', nb.lessEqual],
        ['notEqual', nb.notEqual],
      ] as const) {
        assertMatch(
          onBoth(() => f(a, b)),
          `${name} ${what}`,
        );
        assertMatch(
          onBoth(() => f(b, a)),
          `${name} reversed ${what}`,
        );
        assert.equal(
          jsFallbacks(() => [f(a, b), f(b, a)]),
          inWasm ? 0 : 2,
          `${name} ${what} ${inWasm ? 'runs in wasm' : 'falls back to js'}`,
        );
      }
    }
  } finally {
    wasm.minElements = saved;
  }
});

test('where, relu and the other activations match js', () => {
  const x = rnd([63, 65], 3);
  assertMatch(
    onBoth(() => nb.where(nb.greater(x, 0), x, 0)),
    'where with a scalar branch',
  );
  assertMatch(
    onBoth(() => nb.where(nb.less(x, 0.5), x, nb.neg(x))),
    'where',
  );
  for (const [name, f] of [
    ['relu', nb.relu],
    ['sigmoid', nb.sigmoid],
    ['softplus', nb.softplus],
    ['swish', nb.swish],
    ['elu', nb.elu],
  ] as const) {
    assertMatch(
      onBoth(() => f(x)),
      name,
      1e-6,
      1e-6,
    );
  }
  assertMatch(
    onBoth(() => nb.softmax(x, -1)),
    'softmax',
    1e-6,
    1e-7,
  );
  assertMatch(
    onBoth(() => nb.logSoftmax(x, 0)),
    'logSoftmax',
    1e-6,
    1e-6,
  );
});

test('softmax and log softmax kernels match js along every axis, at the edge values too', (t) => {
  const k = wasmKernels()!,
    saved = k.minElements;
  k.minElements = 1; // small shapes on wasm too
  t.after(() => {
    k.minElements = saved;
  });
  for (const shape of [
    [63, 65],
    [5, 7, 9],
    [3, 4, 2, 6],
    [1, 1030],
    [2, 3],
  ]) {
    const x = rnd(shape, 4);
    for (let axis = 0; axis < shape.length; axis++) {
      assertMatch(
        onBoth(() => nb.softmax(x, axis)),
        `softmax ${JSON.stringify(shape)} axis ${axis}`,
        2e-6,
        1e-7,
      );
      assertMatch(
        onBoth(() => nb.logSoftmax(x, axis)),
        `logSoftmax ${JSON.stringify(shape)} axis ${axis}`,
        2e-6,
        2e-6,
      );
    }
  }
  // rows of ±1000, ±∞ and NaN (an edge value in every row, in every column position)
  const finite = edges.filter((v) => Number.isFinite(v));
  const rows = edges.map((v, i) => [...finite.slice(0, i % 5), v, ...finite.slice(i % 5, 8)]);
  const e = nb.tensor(rows);
  for (const axis of [0, 1]) {
    assertMatch(
      onBoth(() => nb.softmax(e, axis)),
      `softmax of edge values, axis ${axis}`,
      2e-6,
      1e-7,
    );
    assertMatch(
      onBoth(() => nb.logSoftmax(e, axis)),
      `logSoftmax of edge values, axis ${axis}`,
      2e-6,
      2e-6,
    );
  }
});

test('the fused bias + activation kernel matches js, at the edge values too', () => {
  const z = nb.concat([rnd([37, 27], 3), nb.reshape(nb.tensor([...edges, ...edges.slice(0, 27)]), [2, 27])]);
  const b = rnd([27]);
  for (const act of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
    assertMatch(
      onBoth(() => nb.biasActivation(z, b, act)),
      `biasActivation ${act}`,
      1e-6,
      1e-6,
    );
    // the fused op gives what the separate ops give
    assertMatch([nb.biasActivation(z, b, act), act === 'linear' ? nb.add(z, b) : nb[act](nb.add(z, b))], `biasActivation ${act} vs ${act}(z + b)`, 1e-6, 1e-6);
  }
});

test('reductions match js over contiguous and scattered axes', () => {
  const x = rnd([6, 35, 17]);
  for (const axis of [0, 1, 2, [0, 1], [1, 2], [0, 2], undefined] as const) {
    for (const [name, f] of [
      ['sum', nb.sum],
      ['max', nb.max],
      ['min', nb.min],
      ['mean', nb.mean],
    ] as const) {
      assertMatch(
        onBoth(() => f(x, axis as never, true)),
        `${name} axis ${JSON.stringify(axis)}`,
        1e-5,
        1e-5,
      );
    }
  }
});

test('the gradient of max and min (extremumGrad) matches js bit for bit: ties share it, a NaN extreme sends it to the NaN entries', () => {
  // values on a coarse grid, so that windows hold ties; a few NaNs; inner sizes with and without a vector remainder
  for (const shape of [
    [7, 4, 16],
    [5, 9, 6],
    [3, 6, 5, 4],
  ]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: n }, (_, i) => (i % 37 === 5 ? NaN : Math.floor(((i * 7919) % 97) / 40)));
    const x = nb.tensor(data, shape);
    const g = (t: Tensor) =>
      nb.mul(
        t,
        nb.tensor(
          Array.from({ length: n }, (_, i) => 1 + (i % 13) / 8),
          shape,
        ),
      );
    for (const axes of [[1], [1, 2], [0], [0, 2]]) {
      if (axes.some((a) => a >= shape.length)) continue;
      for (const [name, f] of [
        ['max', nb.max],
        ['min', nb.min],
      ] as const) {
        const grad = () => nb.grad((t: Tensor) => nb.sum(g(f(t, axes, true) as Tensor)))(x) as Tensor;
        const [w, j] = onBoth(grad);
        const what = `${name} over [${axes}] of [${shape}]`;
        assert.deepEqual([...w.shape], [...j.shape], what);
        for (let i = 0; i < n; i++) assert.ok(Object.is(w.storage[i], j.storage[i]), `${what}: entry ${i} is ${w.storage[i]}, js ${j.storage[i]}`);
        // ties share: with g = 1, a window of k tied extremes gives each 1/k
        const shares = nb.grad((t: Tensor) => nb.sum(f(t, axes)))(x) as Tensor;
        assert.ok(
          shares.storage.some((v) => v > 0 && v < 1),
          `${what}: some ties split the gradient`,
        );
      }
    }
  }
  // contiguous axes of float32 run in wasm, not on the js kernel
  const calls = jsFallbacks(() => nb.grad((t: Tensor) => nb.sum(nb.max(t, 1)))(rnd([64, 4, 16])), ['extremumGrad']);
  assert.equal(calls, 0, 'the wasm kernel ran');
});

test('argmax and argmin match js: the first extreme of ties, the first NaN, every axis; in wasm eagerly and in a plan', () => {
  for (const shape of [
    [40, 10],
    [6, 9, 7],
    [3, 1, 5, 4],
  ]) {
    const n = shape.reduce((a, b) => a * b, 1);
    // a coarse grid (ties), a few NaNs, ±Infinity
    const data = Array.from({ length: n }, (_, i) =>
      i % 29 === 3 ? NaN : i % 31 === 7 ? -Infinity : i % 37 === 11 ? Infinity : Math.floor(((i * 7919) % 97) / 30),
    );
    const x = nb.tensor(data, shape);
    for (let axis = 0; axis < shape.length; axis++) {
      for (const [name, f] of [
        ['argmax', nb.argmax],
        ['argmin', nb.argmin],
      ] as const) {
        const [w, j] = onBoth(() => f(x, axis));
        const what = `${name} over axis ${axis} of [${shape}]`;
        assert.deepEqual([...w.shape], [...j.shape], what);
        assert.equal(w.dtype, 'int32', what);
        assert.deepEqual([...w.storage], [...j.storage], what);
        nb.setBackend('wasm');
        const planned = nb.jit((t: Tensor) => nb.add(f(t, axis), 0))(x);
        assert.deepEqual([...planned.storage], [...j.storage], `${what}, in a plan`);
      }
    }
  }
  // float32 runs in wasm, not on the js kernel: eagerly and in a plan
  const x = rnd([64, 10]);
  const calls = jsFallbacks(() => {
    nb.argmax(x, 1);
    nb.jit((t: Tensor) => nb.argmin(t, 1))(x);
  }, ['argReduce']);
  assert.equal(calls, 0, 'the wasm kernel ran');
});

test('matmul matches js: shapes, transposes, batches with broadcasting, 1 and 2 threads', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[1, 1], [1, 1], false, false],
    [[7, 13], [13, 5], false, false],
    [[33, 65], [65, 17], false, false],
    [[130, 70], [70, 150], false, false],
    [[70, 130], [70, 150], true, false],
    [[130, 70], [150, 70], false, true],
    [[70, 130], [150, 70], true, true],
    [[3, 40, 50], [50, 60], false, false],
    [[2, 1, 30, 40], [5, 40, 20], false, false],
    [[256, 300], [300, 200], false, false],
  ];
  for (const threads of [1, 2]) {
    nb.setThreads(threads);
    for (const [sa, sb, ta, tb] of cases) {
      const a = rnd(sa),
        b = rnd(sb);
      const k = ta ? sa[sa.length - 2]! : sa[sa.length - 1]!;
      assertMatch(
        onBoth(() => nb.matmul(a, b, ta, tb)),
        `matmul ${JSON.stringify(sa)}${ta ? 'ᵀ' : ''} ${JSON.stringify(sb)}${tb ? 'ᵀ' : ''} on ${threads} thread(s)`,
        1e-5,
        1e-5 * Math.sqrt(k),
      );
    }
  }
  nb.setThreads(2);
});

test('setThreads validates its argument and reports the number in effect', () => {
  assert.equal(nb.setThreads(1), 1);
  assert.equal(nb.getThreads(), 1);
  assert.equal(nb.setThreads(2), 2);
  assert.throws(() => nb.setThreads(0), /setThreads: expected a positive integer, got 0/);
});

test('convolution and pooling (im2col and col2im in wasm) match js, values and gradients', () => {
  const cases: [number[], number[], number | [number, number], 'valid' | 'same', number | [number, number]][] = [
    [[2, 9, 8, 3], [3, 3, 3, 4], 1, 'valid', 1],
    [[2, 9, 8, 3], [3, 2, 3, 5], 2, 'same', 1],
    [[1, 10, 11, 2], [3, 3, 2, 2], 1, 'same', 2],
    [[3, 7, 7, 1], [2, 2, 1, 6], [2, 1], 'same', [1, 2]],
  ];
  for (const [xs, ks, strides, padding, dilation] of cases) {
    const x = rnd(xs),
      k = rnd(ks);
    const what = `conv2d ${JSON.stringify([xs, ks, strides, padding, dilation])}`;
    assertMatch(
      onBoth(() => nb.conv2d(x, k, strides, padding, dilation)),
      what,
      1e-5,
      1e-5,
    );
    assertMatch(
      onBoth(() => nb.grad((t: Tensor) => nb.sum(nb.square(nb.conv2d(t, k, strides, padding, dilation))))(x)),
      `${what} input gradient`,
      1e-4,
      1e-4,
    );
    assertMatch(
      onBoth(() => nb.grad((t: Tensor) => nb.sum(nb.conv2d(x, t, strides, padding, dilation)))(k)),
      `${what} kernel gradient`,
      1e-4,
      1e-4,
    );
  }
  const x = rnd([2, 9, 10, 3]);
  for (const padding of ['valid', 'same'] as const) {
    assertMatch(
      onBoth(() => nb.maxPool2d(x, 3, 2, padding)),
      `maxPool2d ${padding}`,
      0,
      0,
    );
    assertMatch(
      onBoth(() => nb.avgPool2d(x, [2, 3], 2, padding)),
      `avgPool2d ${padding}`,
      1e-6,
      1e-6,
    );
    assertMatch(
      onBoth(() => nb.grad((t: Tensor) => nb.sum(nb.maxPool2d(t, 3, 2, padding)))(x)),
      `maxPool2d ${padding} gradient`,
      1e-6,
      1e-6,
    );
  }
});

test('float64 matrix products (the f64x2 kernel) match js to double precision', () => {
  const r64 = (shape: number[]) => nb.cast(rnd(shape), 'float64');
  const cases: [number[], number[], boolean, boolean][] = [
    [[40, 30], [30, 50], false, false],
    [[30, 40], [30, 50], true, false],
    [[40, 30], [50, 30], false, true],
    [[30, 40], [50, 30], true, true],
    [[3, 20, 30], [30, 17], false, false],
    [[2, 1, 17, 19], [3, 19, 23], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const a = r64(sa),
      b = r64(sb);
    const [w, j] = onBoth(() => nb.matmul(a, b, ta, tb));
    assert.equal(w.dtype, 'float64');
    assertMatch([w, j], `float64 matmul ${JSON.stringify(sa)}${ta ? 'ᵀ' : ''} ${JSON.stringify(sb)}${tb ? 'ᵀ' : ''}`, 1e-12, 1e-12);
  }
});
