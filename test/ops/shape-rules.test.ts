import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { DType } from '../../src/core/dtype.js';
import { sizeOf } from '../../src/core/shape.js';
import { extractPatches, window2d } from '../../src/ops/conv.js';
import type { Aval, Prim } from '../../src/ops/prim.js';
import { primitives } from '../../src/ops/primitives.js';
import { fromFixture, loadFixture, randn, type FixtureTensor } from '../helpers.js';
import { extraSamples, opTable } from './op-table.js';

// Abstract evaluation (issue 12 §1): every primitive's shape rule computes its output's shape and
// dtype from its inputs' shapes and dtypes alone, and eager execution goes through the same rule.
// Here every row of the op table runs eagerly with the table's entries wrapped: at each primitive
// application the rule is called again on placeholders (shape and dtype, no data) and must give the
// shape and dtype of the tensor the kernel actually produced. Then bad shapes: the rule, called on
// placeholders, throws the same error as the public op does on real tensors.

type Entry = { shape: (inputs: readonly Aval[], attrs: unknown) => Aval; forward: (inputs: readonly Tensor[], attrs: unknown, out: Aval) => Tensor };
const table = primitives as unknown as Record<Prim, Entry>;
const prims = Object.keys(table) as Prim[];

/** A placeholder: only `shape` and `dtype` may be read; reading anything else (values) throws. */
function placeholder(shape: readonly number[], dtype: DType): Aval {
  const target = { shape: Object.freeze([...shape]), dtype };
  return new Proxy(target, {
    get(t, key) {
      if (key === 'shape' || key === 'dtype') return t[key];
      throw new Error(`a shape rule read '${String(key)}' of an abstract value; rules may read only shape and dtype`);
    },
  });
}

const storageDType = (t: Tensor): DType => {
  const s = t.storage;
  return s instanceof Float32Array ? 'float32' : s instanceof Float64Array ? 'float64' : s instanceof Int32Array ? 'int32' : 'bool';
};

/** Runs `body` with every entry's forward wrapped to compare the rule's abstract output with the eager one. */
function checkingRules(body: () => void): Map<Prim, number> {
  const checked = new Map<Prim, number>();
  const saved = { ...table };
  for (const p of prims) {
    const entry = saved[p];
    table[p] = {
      ...entry,
      forward: (inputs, attrs, out) => {
        const y = entry.forward(inputs, attrs, out);
        const abstract = entry.shape(
          inputs.map((t) => placeholder(t.shape, t.dtype)),
          attrs,
        );
        const where = `${p} of ${inputs.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(', ')} ${JSON.stringify(attrs)}`;
        assert.deepEqual([...abstract.shape], [...y.shape], `${where}: the rule's shape`);
        assert.equal(abstract.dtype, y.dtype, `${where}: the rule's dtype`);
        // the kernel's own output, independent of the rule: its length and its typed array
        assert.equal(y.storage.length, sizeOf(abstract.shape), `${where}: the kernel made ${y.storage.length} values`);
        assert.equal(storageDType(y), abstract.dtype, `${where}: the kernel's dtype`);
        checked.set(p, (checked.get(p) ?? 0) + 1);
        return y;
      },
    };
  }
  try {
    body();
  } finally {
    Object.assign(table, saved);
  }
  return checked;
}

test('every op-table row: the shape rules on placeholders agree with eager execution, values and gradients', () => {
  const fixtures = loadFixture<{ cases: { op: string; inputs: FixtureTensor[]; attrs: Record<string, unknown> }[] }>('torch_ops.json').cases;
  const checked = checkingRules(() => {
    const runSample = (op: string, inputs: Tensor[], attrs: Record<string, unknown>, fixed: number[] = []) => {
      const row = opTable[op]!;
      row.call(inputs, attrs);
      // the gradient runs the backward rules' primitives (and their gradient, at order 2, the adjoints')
      const free = inputs.map((_, i) => i).filter((i) => !fixed.includes(i));
      const f = (...diff: Tensor[]) => {
        const all = [...inputs];
        free.forEach((i, k) => (all[i] = diff[k]!));
        return nb.sum(row.call(all, attrs));
      };
      const argnums = free.map((_, k) => k);
      const g = nb.grad((...xs: Tensor[]) => nb.sum(nb.square((nb.grad(f, { argnums })(...xs) as Tensor[])[0]!)), { argnums });
      g(...free.map((i) => inputs[i]!));
    };
    for (const [op, row] of Object.entries(opTable)) {
      for (const c of fixtures.filter((c) => c.op === op)) {
        row.call(
          c.inputs.map((t) => fromFixture(t)),
          c.attrs,
        );
        row.call(
          c.inputs.map((t) => fromFixture(t, 'float32')),
          c.attrs,
        );
      }
      const sample = row.sample?.();
      if (sample) runSample(op, sample.inputs, sample.attrs ?? {}, sample.fixed);
    }
    for (const s of extraSamples) runSample(s.op, s.inputs(), s.attrs, s.fixed);
    // dtypes the rows above do not reach: int32 and bool rules, casts, argmax/argmin
    const x = randn([3, 4], 7),
      i = nb.tensor(
        [
          [1, -2],
          [3, 4],
        ],
        [2, 2],
        'int32',
      ),
      b = nb.greater(x, 0);
    nb.argmax(x, 1);
    nb.argmin(x);
    nb.argmax(i, 0);
    nb.cast(x, 'int32');
    nb.cast(i, 'bool');
    nb.cast(b, 'float64');
    nb.add(b, b);
    nb.mul(b, b);
    nb.maximum(b, b);
    nb.minimum(b, nb.less(x, 1));
    nb.add(i, 1);
    nb.mul(i, i);
    nb.sub(i, 3);
    nb.neg(i);
    nb.abs(i);
    nb.sign(b);
    nb.sum(b);
    nb.sum(i, 0, true);
    nb.max(i, 1);
    nb.min(b);
    nb.equal(i, i);
    nb.where(b, x, 0);
    nb.where(nb.greater(i, 0), i, nb.tensor([0, 1], [2], 'int32'));
    nb.concat([i, i], 0);
    nb.gather(i, [1, 1, 0], 1);
    nb.transpose(b);
    nb.reshape(b, [12]);
    nb.broadcastTo(i, [2, 2, 2]);
    nb.slice(b, [1, 0], [2, -1]);
    nb.pad(i, [
      [1, 0],
      [0, 2],
    ]);
    // identity is not applied by any op (the transforms record it on their fresh leaves without running it): run its entry
    table.identity.forward([x], {}, table.identity.shape([x], {}));
  });
  const missing = prims.filter((p) => !checked.has(p));
  assert.deepEqual(missing, [], 'primitives whose shape rule no row checked');
});

/** The error thrown by `f`, or a failure if it returns. */
function errorOf(f: () => unknown, what: string): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  assert.fail(`${what} did not throw`);
}

/** A bad combination: the public op on tensors, and the primitive its wrapper reaches, on placeholders. */
interface BadCase<P extends Prim = Prim> {
  name: string;
  eager: () => unknown;
  prim: P;
  inputs: [number[], DType][];
  attrs: unknown;
  error: typeof nb.NablaError;
  message: RegExp;
  /** The public wrapper throws this error itself, before the rule, to name the public op (permute also serves transpose). */
  wrapperNamesOp?: true;
}

const f32 = 'float32' as const;
const z = (...shape: number[]) => nb.zeros(shape);
const badCases: BadCase[] = [
  {
    name: 'add broadcast',
    eager: () => nb.add(z(2, 3), z(4)),
    prim: 'add',
    inputs: [
      [[2, 3], f32],
      [[4], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^add: shapes \[2,3\] and \[4\] cannot be broadcast/,
  },
  {
    name: 'mul broadcast',
    eager: () => nb.mul(z(5, 1, 3), z(2, 4)),
    prim: 'mul',
    inputs: [
      [[5, 1, 3], f32],
      [[2, 4], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^mul: shapes \[5,1,3\] and \[2,4\] cannot be broadcast/,
  },
  {
    name: 'sub of bools',
    eager: () => nb.sub(nb.tensor([true]), nb.tensor([false, true])),
    prim: 'sub',
    inputs: [
      [[1], 'bool'],
      [[2], 'bool'],
    ],
    attrs: {},
    error: nb.DTypeError,
    message: /^sub: not defined for two bool tensors \(shapes \[1\] and \[2\]\)/,
  },
  {
    name: 'compare broadcast',
    eager: () => nb.less(z(2), z(3)),
    prim: 'compare',
    inputs: [
      [[2], f32],
      [[3], f32],
    ],
    attrs: { op: 'less' },
    error: nb.ShapeError,
    message: /^less: shapes \[2\] and \[3\] cannot be broadcast/,
  },
  {
    name: 'where broadcast',
    eager: () => nb.where(nb.tensor([true, false]), z(3), 0),
    prim: 'where',
    inputs: [
      [[2], 'bool'],
      [[3], f32],
      [[], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^where: shapes \[2\] and \[3\] and \[\] cannot be broadcast/,
  },
  {
    name: 'matmul inner',
    eager: () => nb.matmul(z(32, 64), z(10, 64)),
    prim: 'matmul',
    inputs: [
      [[32, 64], f32],
      [[10, 64], f32],
    ],
    attrs: { transA: false, transB: false },
    error: nb.ShapeError,
    message: /^matmul: shapes \[32,64\] and \[10,64\]: inner dimensions 64 and 10 differ$/,
  },
  {
    name: 'matmul transposed',
    eager: () => nb.matmul(z(3, 4), z(4, 3), true, false),
    prim: 'matmul',
    inputs: [
      [[3, 4], f32],
      [[4, 3], f32],
    ],
    attrs: { transA: true, transB: false },
    error: nb.ShapeError,
    message: /^matmul: shapes \[3,4\]ᵀ and \[4,3\]: inner dimensions 3 and 4 differ$/,
  },
  {
    name: 'matmul vector',
    eager: () => nb.matmul(z(3), z(4, 2)),
    prim: 'matmul',
    inputs: [
      [[1, 3], f32],
      [[4, 2], f32],
    ],
    attrs: { transA: false, transB: false },
    error: nb.ShapeError,
    message: /^matmul: shapes \[1,3\] and \[4,2\]: inner dimensions 3 and 4 differ$/,
  },
  {
    name: 'matmul batch',
    eager: () => nb.matmul(z(2, 3, 4), z(3, 4, 5)),
    prim: 'matmul',
    inputs: [
      [[2, 3, 4], f32],
      [[3, 4, 5], f32],
    ],
    attrs: { transA: false, transB: false },
    error: nb.ShapeError,
    message: /^matmul: shapes \[2,3,4\] and \[3,4,5\]: batch dimensions \[2\] and \[3\] cannot be broadcast$/,
  },
  {
    name: 'matmul too large',
    eager: () => nb.matmul(z(70000, 1), z(1, 70000)),
    prim: 'matmul',
    inputs: [
      [[70000, 1], f32],
      [[1, 70000], f32],
    ],
    attrs: { transA: false, transB: false },
    error: nb.ShapeError,
    message: /^matmul: shape \[70000,70000\] has 4900000000 elements, more than the limit/,
  },
  {
    name: 'pad too large',
    eager: () =>
      nb.pad(z(1, 1), [
        [0, 65535],
        [0, 65535],
      ]),
    prim: 'pad',
    inputs: [[[1, 1], f32]],
    attrs: {
      paddings: [
        [0, 65535],
        [0, 65535],
      ],
      value: 0,
    },
    error: nb.ShapeError,
    message: /^pad: shape \[65536,65536\] has 4294967296 elements, more than the limit/,
  },
  {
    name: 'gather too large',
    eager: () => nb.gather(z(1, 65536), nb.zeros([65536], 'int32'), 0),
    prim: 'gather',
    inputs: [
      [[1, 65536], f32],
      [[65536], 'int32'],
    ],
    attrs: { axis: 0 },
    error: nb.ShapeError,
    message: /^gather: shape \[65536,65536\] has 4294967296 elements, more than the limit/,
  },
  {
    name: 'reshape size',
    eager: () => nb.reshape(z(2, 3), [4, 2]),
    prim: 'reshape',
    inputs: [[[2, 3], f32]],
    attrs: { shape: [4, 2] },
    error: nb.ShapeError,
    message: /^reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,2\] \(8 elements\)$/,
  },
  {
    name: 'permute',
    wrapperNamesOp: true,
    eager: () => nb.permute(z(2, 3), [0, 0]),
    prim: 'permute',
    inputs: [[[2, 3], f32]],
    attrs: { perm: [0, 0] },
    error: nb.ShapeError,
    message: /^permute: \[0,0\] is not a permutation of the 2 axes of shape \[2,3\]$/,
  },
  {
    name: 'permute short',
    wrapperNamesOp: true,
    eager: () => nb.permute(z(2, 3), [0]),
    prim: 'permute',
    inputs: [[[2, 3], f32]],
    attrs: { perm: [0] },
    error: nb.ShapeError,
    message: /^permute: \[0\] is not a permutation of the 2 axes/,
  },
  {
    name: 'broadcastTo',
    eager: () => nb.broadcastTo(z(3), [3, 2]),
    prim: 'broadcastTo',
    inputs: [[[3], f32]],
    attrs: { shape: [3, 2] },
    error: nb.ShapeError,
    message: /^broadcastTo: shape \[3\] cannot be broadcast to \[3,2\]$/,
  },
  {
    name: 'broadcastTo lower rank',
    eager: () => nb.broadcastTo(z(2, 3), [3]),
    prim: 'broadcastTo',
    inputs: [[[2, 3], f32]],
    attrs: { shape: [3] },
    error: nb.ShapeError,
    message: /^broadcastTo: shape \[2,3\] cannot be broadcast to \[3\]$/,
  },
  {
    name: 'slice past the end',
    eager: () => nb.slice(z(4, 5), [3, 0], [2, 5]),
    prim: 'slice',
    inputs: [[[4, 5], f32]],
    attrs: { begin: [3, 0], size: [2, 5] },
    error: nb.ShapeError,
    message: /^slice: begin \[3,0\] size \[2,5\] is out of bounds for shape \[4,5\] on axis 0$/,
  },
  {
    name: 'slice begin past the end',
    eager: () => nb.slice(z(4), [5]),
    prim: 'slice',
    inputs: [[[4], f32]],
    attrs: { begin: [5], size: [-1] },
    error: nb.ShapeError,
    message: /^slice: begin \[5\] size \[-1\] is out of bounds for shape \[4\] on axis 0$/,
  },
  {
    name: 'concat dims',
    eager: () => nb.concat([z(2, 3), z(3, 3)], 1),
    prim: 'concat',
    inputs: [
      [[2, 3], f32],
      [[3, 3], f32],
    ],
    attrs: { axis: 1 },
    error: nb.ShapeError,
    message: /^concat: shapes \[2,3\], \[3,3\] must agree on every axis but 1$/,
  },
  {
    name: 'concat ranks',
    eager: () => nb.concat([z(2, 3), z(2, 3, 1)], 0),
    prim: 'concat',
    inputs: [
      [[2, 3], f32],
      [[2, 3, 1], f32],
    ],
    attrs: { axis: 0 },
    error: nb.ShapeError,
    message: /^concat: shapes \[2,3\], \[2,3,1\] must agree on every axis but 0$/,
  },
  {
    name: 'biasActivation bias',
    eager: () => nb.biasActivation(z(32, 10), z(64)),
    prim: 'biasActivation',
    inputs: [
      [[32, 10], f32],
      [[64], f32],
    ],
    attrs: { activation: 'relu' },
    error: nb.ShapeError,
    message: /^biasActivation: z \[32,10\] and bias \[64\]: the bias must be a vector as long as z's last dimension$/,
  },
  {
    name: 'scatterAdd indices',
    eager: () => nb.scatterAdd(z(2, 3), nb.tensor([0, 1], [2], 'int32'), 1, 4),
    prim: 'scatterAdd',
    inputs: [
      [[2, 3], f32],
      [[2], 'int32'],
    ],
    attrs: { axis: 1, dimSize: 4 },
    error: nb.ShapeError,
    message: /^scatterAdd: updates \[2,3\] do not hold indices \[2\] at axis 1$/,
  },
  {
    name: 'max of an empty axis',
    eager: () => nb.max(z(0, 3), 0),
    prim: 'max',
    inputs: [[[0, 3], f32]],
    attrs: { axes: [0], keepDims: false },
    error: nb.ArgumentError,
    message: /^max: cannot reduce axis 0 of length 0 \(shape \[0,3\]\)$/,
  },
  {
    name: 'argmin of nothing',
    eager: () => nb.argmin(z(0)),
    prim: 'argmin',
    inputs: [[[0], f32]],
    attrs: { axis: 0 },
    error: nb.ArgumentError,
    message: /^argmin: empty tensor of shape \[0\] has no minimum$/,
  },
  {
    name: 'extractPatches window',
    eager: () => extractPatches(z(1, 4, 4, 1), window2d('test', [1, 5, 5, 1], 2, 1, 'valid')),
    prim: 'extractPatches',
    inputs: [[[1, 4, 4, 1], f32]],
    attrs: { win: window2d('test', [1, 5, 5, 1], 2, 1, 'valid'), padValue: 0 },
    error: nb.ShapeError,
    message: /^extractPatches: input \[1,4,4,1\] does not match the window's input shape \[1,5,5,1\]$/,
  },
  {
    name: 'atan2 broadcast',
    eager: () => nb.atan2(z(2, 3), z(4)),
    prim: 'atan2',
    inputs: [
      [[2, 3], f32],
      [[4], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^atan2: shapes \[2,3\] and \[4\] cannot be broadcast/,
  },
  {
    name: 'mod broadcast',
    eager: () => nb.mod(z(2, 3), z(4)),
    prim: 'mod',
    inputs: [
      [[2, 3], f32],
      [[4], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^mod: shapes \[2,3\] and \[4\] cannot be broadcast/,
  },
  {
    name: 'fmod broadcast',
    eager: () => nb.fmod(z(2, 3), z(4)),
    prim: 'fmod',
    inputs: [
      [[2, 3], f32],
      [[4], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^fmod: shapes \[2,3\] and \[4\] cannot be broadcast/,
  },
  {
    name: 'floorDiv broadcast',
    eager: () => nb.floorDiv(z(2, 3), z(4)),
    prim: 'floorDiv',
    inputs: [
      [[2, 3], f32],
      [[4], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^floorDiv: shapes \[2,3\] and \[4\] cannot be broadcast/,
  },
  {
    name: 'copysign broadcast',
    eager: () => nb.copysign(z(2, 3), z(4)),
    prim: 'copysign',
    inputs: [
      [[2, 3], f32],
      [[4], f32],
    ],
    attrs: {},
    error: nb.ShapeError,
    message: /^copysign: shapes \[2,3\] and \[4\] cannot be broadcast/,
  },
];

for (const c of badCases) {
  test(`shape error, abstract and eager: ${c.name}`, () => {
    // eagerly, the public op; the error must come from the primitive's shape rule (the one place)
    let ruleThrew: unknown = null;
    const entry = table[c.prim];
    table[c.prim] = {
      ...entry,
      shape: (inputs, attrs) => {
        try {
          return entry.shape(inputs, attrs);
        } catch (e) {
          ruleThrew = e;
          throw e;
        }
      },
    };
    let eager: Error;
    try {
      eager = errorOf(c.eager, `eager ${c.name}`);
    } finally {
      table[c.prim] = entry;
    }
    assert.ok(eager instanceof c.error && c.message.test(eager.message), `eager: ${eager.name}: ${eager.message}`);
    if (!c.wrapperNamesOp) assert.equal(ruleThrew, eager, `the eager error of ${c.name} was not thrown by the ${c.prim} shape rule`);
    // abstractly, the rule on placeholders with no data
    const abstract = errorOf(
      () =>
        entry.shape(
          c.inputs.map(([s, d]) => placeholder(s, d)),
          c.attrs,
        ),
      `the ${c.prim} shape rule`,
    );
    assert.equal(abstract.constructor, eager.constructor);
    assert.equal(abstract.message, eager.message);
  });
}

test('a shape rule reads no values: rules run on placeholders without data', () => {
  // the placeholder itself refuses everything but shape and dtype
  assert.throws(() => (placeholder([2], f32) as unknown as Tensor).storage, /read 'storage' of an abstract value/);
  assert.deepEqual(primitives.matmul.shape([placeholder([5, 2, 3], f32), placeholder([3, 4], f32)], { transA: false, transB: false }), {
    shape: [5, 2, 4],
    dtype: 'float32',
  });
  assert.deepEqual(primitives.compare.shape([placeholder([2, 1], 'int32'), placeholder([3], 'int32')], { op: 'less' }), { shape: [2, 3], dtype: 'bool' });
  assert.deepEqual(primitives.argmax.shape([placeholder([2, 3], f32)], { axis: 1 }), { shape: [2], dtype: 'int32' });
});
