// Evaluating an explanation's expressions with nabla's ops: the printed
// equations are computed as printed, which is how the tests check them
// against nb.grad.
import { ArgumentError } from '../core/errors.js';
import { add, div, mul, neg, sub, exp, log, log1p, sqrt, abs, sin, cos, tanh, erf, square, clip } from '../ops/arithmetic.js';
import { relu, sigmoid, leakyRelu, elu, swish, gelu, softplus, softmax, logSoftmax } from '../ops/activations.js';
import { matmul, transpose } from '../ops/linalg.js';
import { mean, sum } from '../ops/reduce.js';
import { broadcastTo, oneHot, pad, reshape, slice } from '../ops/shape.js';
import { cast } from '../ops/convert.js';
import { grad, vjp } from '../autograd/transforms.js';
import { scalar } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Expr, FnName, RunContext, Shape } from './expr.js';

const FNS: Record<FnName, (x: Tensor, a: Readonly<Record<string, number>>) => Tensor> = {
  relu: (x) => relu(x),
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => tanh(x),
  leakyRelu: (x, a) => leakyRelu(x, a.alpha),
  elu: (x, a) => elu(x, a.alpha),
  swish: (x) => swish(x),
  gelu: (x, a) => gelu(x, a.approximate === 1),
  softplus: (x) => softplus(x),
  exp: (x) => exp(x),
  log: (x) => log(x),
  log1p: (x) => log1p(x),
  sqrt: (x) => sqrt(x),
  square: (x) => square(x),
  abs: (x) => abs(x),
  sin: (x) => sin(x),
  cos: (x) => cos(x),
  erf: (x) => erf(x),
  clip: (x, a) => clip(x, a.min!, a.max!),
};

/** The concrete shape of a symbolic one at batch size m. */
export function concrete(shape: Shape, m: number): number[] {
  // a symbolic size is k·m ('m', '4m'); other symbols take m too
  return shape.map((s) => (typeof s === 'number' ? s : Number(/^\d+/.exec(s)?.[0] ?? 1) * m));
}

/** The value of e with the named quantities of env, at batch size m. */
export function evaluate(e: Expr, env: ReadonlyMap<string, Tensor>, rc: RunContext): Tensor {
  const m = rc.m;
  const ev = (x: Expr) => evaluate(x, env, rc);
  switch (e.k) {
    case 'var': {
      const t = env.get(e.name);
      if (t === undefined) throw new ArgumentError(`explain: no value for ${e.name}`);
      return t;
    }
    case 'num':
      return scalar(e.value);
    case 'scale':
      return mul(ev(e.a), e.c * m ** e.mPow);
    case 'matmul':
      return matmul(ev(e.a), ev(e.b));
    case 'T': {
      const x = ev(e.a);
      const perm = x.shape.map((_, i) => i);
      [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2]!, perm[perm.length - 1]!];
      return transpose(x, perm);
    }
    case 'bin': {
      const a = ev(e.a),
        b = ev(e.b);
      return e.op === '+' ? add(a, b) : e.op === '-' ? sub(a, b) : e.op === '*' ? mul(a, b) : div(a, b);
    }
    case 'neg':
      return neg(ev(e.a));
    case 'fn': {
      const f = FNS[e.f];
      const x = ev(e.a);
      // f′ of an elementwise f: the gradient of Σ f(x)
      return e.prime ? (grad((u: Tensor) => sum(f(u, e.attrs)))(x) as Tensor) : f(x, e.attrs);
    }
    case 'softmax':
      return e.log ? logSoftmax(ev(e.a), e.axis) : softmax(ev(e.a), e.axis);
    case 'sum':
      return sum(ev(e.a), [...e.axes], e.keep);
    case 'mean':
      return mean(ev(e.a), [...e.axes], e.keep);
    case 'reshape':
      return reshape(ev(e.a), concrete(e.shape, m));
    case 'expand':
      return broadcastTo(ev(e.a), concrete(e.shape, m));
    case 'onehot': {
      const x = ev(e.a);
      return oneHot(x.dtype === 'int32' ? x : cast(x, 'int32'), e.classes);
    }
    case 'slice':
      return reshape(slice(ev(e.a), [...e.begin], concrete(e.size, m)), concrete(e.shape, m));
    case 'unslice': {
      const full = concrete(e.shape, m),
        size = concrete(e.size, m);
      return pad(
        reshape(ev(e.a), size),
        e.begin.map((b, k) => [b, full[k]! - b - size[k]!] as [number, number]),
      );
    }
    case 'sumT':
      throw new ArgumentError("explain: Σ_t is the compact view of a recurrent layer; evaluate the explanation's lines instead");
    case 'call':
      return e.fn.run(e.args.map(ev), rc);
    case 'vjp': {
      const args = e.args.map(ev);
      const [, pull] = vjp((...xs: Tensor[]) => e.fn.run(xs, rc), ...args);
      return pull(ev(e.ct))[e.wrt] as Tensor;
    }
  }
}
