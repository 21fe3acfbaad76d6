// The backward pass of an explanation, derived symbolically from the forward
// lines by the chain rule, in the textbooks' convention: the cotangent of
// a quantity with the batch axis is per example, dZ = m·∂J/∂Z (so dZ3 = A3 − Y),
// and the gradient of a parameter is exact, dW = ∂J/∂W (so dW3 = (1/m) A2ᵀ·dZ3).
// A sum over the batch is where the factor 1/m appears: each contribution from
// a batched quantity to an unbatched one is scaled by m^(B(child) − B(parent)).
import * as E from './expr.js';
import type { Expr, Shape } from './expr.js';
import type { Forward, Line } from './build.js';
import { Printer } from './format.js';

const d = (name: string): string => `d${name}`;

/**
 * The backward lines: each needed cotangent (written inline when it is used
 * once) and the gradient of the cost `cost` with respect to each of `wrt`.
 */
export function buildBackward(fwd: Forward, wrt: readonly string[], cost: string): Line[] {
  const lines = fwd.lines;
  const lineOf = new Map(lines.map((l) => [l.name, l]));
  const shapeOf = (name: string): Shape => lineOf.get(name)?.shape ?? fwd.leaves.get(name)!.var.shape;
  // which quantities depend on something we differentiate with respect to
  const dep = new Set<string>(wrt);
  for (const l of lines) if ([...E.varsOf(l.expr)].some((n) => dep.has(n))) dep.add(l.name);
  // the first line (in forward order) that reads each parameter: its gradient is complete once that line is processed
  const firstReader = new Map<string, string>();
  for (const l of lines) for (const n of E.varsOf(l.expr)) if (wrt.includes(n) && !firstReader.has(n)) firstReader.set(n, l.name);
  const readers = new Map<string, number>();
  for (const l of lines) for (const n of E.varsOf(l.expr)) readers.set(n, (readers.get(n) ?? 0) + 1);

  const contrib = new Map<string, Expr[]>();
  const give = (name: string, e: Expr) => {
    if (dep.has(name)) contrib.set(name, [...(contrib.get(name) ?? []), e]);
  };
  const total = (name: string): Expr | null => {
    const cs = contrib.get(name);
    if (!cs || cs.length === 0) return null;
    return cs.reduce((acc, c) => E.bin('+', acc, c));
  };

  const out: Line[] = [];
  const notes = new Map<string, string>();
  const skip = new Set<string>();
  contrib.set(cost, [E.num(1)]);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (skip.has(l.name) || !dep.has(l.name)) continue;
    const ct = total(l.name);
    if (ct === null) continue;
    const ref = l.name === cost ? ct : E.v(d(l.name), l.shape);
    if (l.name !== cost) out.push({ name: d(l.name), expr: ct, shape: l.shape, role: 'backward', layer: l.layer, of: l.name, note: notes.get(l.name) });
    const paired = l.name === cost ? pairedGradient(l, lineOf, readers) : null;
    if (paired) {
      give(paired.z, paired.expr);
      skip.add(paired.a);
      notes.set(paired.z, paired.note);
    } else {
      backprop(l.expr, ref, give, dep);
    }
    for (const w of wrt) {
      if (firstReader.get(w) !== l.name) continue;
      const g = total(w) ?? E.scale(0, 0, E.v(w, shapeOf(w)));
      out.push({ name: d(w), expr: g, shape: shapeOf(w), role: 'gradient', layer: l.layer, of: w, variable: fwd.leaves.get(w)?.variable });
    }
  }
  return inlineSingleUse(out).map((l) => ({ ...l, expr: simplifySigmoidCrossEntropy(l.expr, lineOf) }));
}

/**
 * The cost of a cross-entropy on σ(Z) or softmax(Z): per example
 * ∂L/∂Z = A − Y (σ with binary cross-entropy; softmax with categorical
 * cross-entropy when each row of Y sums to 1), the textbook simplification,
 * in place of going through ∂L/∂A and the activation's derivative.
 */
function pairedGradient(cost: Line, lineOf: Map<string, Line>, readers: Map<string, number>): { z: string; a: string; expr: Expr; note: string } | null {
  if (!cost.pairsWith || !cost.lossArgs) return null;
  const a = lineOf.get(cost.lossArgs.prediction);
  if (!a || readers.get(a.name) !== 1) return null;
  const e = a.expr;
  const lastAxis = (axis: number) => (axis < 0 ? axis + a.shape.length : axis) === a.shape.length - 1;
  const z =
    e.k === 'fn' && e.f === 'sigmoid' && !e.prime && cost.pairsWith === 'sigmoid'
      ? e.a
      : e.k === 'softmax' && !e.log && lastAxis(e.axis) && cost.pairsWith === 'softmax'
        ? e.a
        : null;
  if (z?.k !== 'var') return null;
  // the cost's form decides the factor: a mean over the classes (binary) divides by their number
  const classes = a.shape.length > 1 ? a.shape[a.shape.length - 1] : 1;
  const perClass = cost.pairsWith === 'sigmoid' && typeof classes === 'number' && classes > 1 ? 1 / classes : 1;
  const sumReduction = cost.expr.k === 'neg' && cost.expr.a.k === 'sum';
  const y = E.v(cost.lossArgs.labels, a.shape);
  const expr = E.scale(perClass, sumReduction ? 1 : 0, E.bin('-', E.v(a.name, a.shape), y));
  const what = cost.pairsWith === 'sigmoid' ? 'σ and binary cross-entropy' : 'softmax and cross-entropy (each row of Y sums to 1)';
  return { z: z.name, a: a.name, expr, note: `${what} together: ∂L/∂${z.name} = ${a.name} − ${cost.lossArgs.labels} per example` };
}

/** Sends the cotangent `ct` of expression e to the named quantities it reads (the chain rule, one node at a time). */
function backprop(e: Expr, ct: Expr, give: (name: string, e: Expr) => void, dep: Set<string>): void {
  const needs = (x: Expr): boolean => [...E.varsOf(x)].some((n) => dep.has(n));
  // a contribution to child x, in x's units (per example when x has the batch axis)
  const to = (x: Expr, c: Expr) => {
    if (!needs(x)) return;
    const k = (E.batched(x.shape) ? 1 : 0) - (E.batched(e.shape) ? 1 : 0);
    backprop(x, E.scale(1, k, c), give, dep);
  };
  switch (e.k) {
    case 'var':
      give(e.name, ct);
      return;
    case 'num':
      return;
    case 'scale':
      to(e.a, E.scale(e.c, e.mPow, ct));
      return;
    case 'neg':
      to(e.a, E.neg(ct));
      return;
    case 'T':
      to(e.a, E.transpose(ct));
      return;
    case 'matmul':
      // a product with a batch of matrices (x (m, t, f)·W) sums W's gradient over the batch axes
      to(e.a, E.unbroadcast(E.matmul(ct, E.transpose(e.b)), e.a.shape));
      to(e.b, E.unbroadcast(E.matmul(E.transpose(e.a), ct), e.b.shape));
      return;
    case 'bin': {
      const { a, b } = e;
      switch (e.op) {
        case '+':
          to(a, E.unbroadcast(ct, a.shape));
          to(b, E.unbroadcast(ct, b.shape));
          return;
        case '-':
          to(a, E.unbroadcast(ct, a.shape));
          to(b, E.neg(E.unbroadcast(ct, b.shape)));
          return;
        case '*':
          to(a, E.unbroadcast(E.bin('*', ct, b), a.shape));
          to(b, E.unbroadcast(E.bin('*', a, ct), b.shape));
          return;
        case '/':
          to(a, E.unbroadcast(E.bin('/', ct, b), a.shape));
          to(b, E.unbroadcast(E.neg(E.bin('/', E.bin('*', ct, a), E.fn('square', b))), b.shape));
          return;
      }
      return;
    }
    case 'fn': {
      const x = e.a;
      switch (e.f) {
        case 'log':
          to(x, E.bin('/', ct, x));
          return;
        case 'log1p':
          to(x, E.bin('/', ct, E.bin('+', E.num(1), x)));
          return;
        case 'exp':
          to(x, E.bin('*', ct, e));
          return;
        case 'sqrt':
          to(x, E.bin('/', ct, E.scale(2, 0, e)));
          return;
        case 'square':
          to(x, E.scale(2, 0, E.bin('*', x, ct)));
          return;
        default:
          to(x, E.bin('*', ct, E.fn(e.f, x, true, { ...e.attrs })));
          return;
      }
    }
    case 'softmax': {
      const axis = e.axis < 0 ? e.shape.length + e.axis : e.axis;
      if (e.log) to(e.a, E.bin('-', ct, E.bin('*', { ...e, log: false }, E.sum(ct, [axis], true))));
      else to(e.a, E.bin('*', e, E.bin('-', ct, E.sum(E.bin('*', ct, e), [axis], true))));
      return;
    }
    case 'sum':
    case 'mean': {
      const kept = e.keep
        ? ct
        : E.reshape(
            ct,
            e.a.shape.map((s, i) => (e.axes.includes(i) ? 1 : s)),
          );
      let g: Expr = { k: 'expand', a: kept, shape: e.a.shape };
      if (e.k === 'mean') {
        let n = 1,
          p = 0;
        for (const ax of e.axes) {
          const s = e.a.shape[ax]!;
          if (typeof s === 'number') n *= s;
          else p++;
        }
        g = E.scale(1 / n, -p, g);
      }
      to(e.a, g);
      return;
    }
    case 'reshape':
      to(e.a, E.reshape(ct, e.a.shape));
      return;
    case 'expand':
      to(e.a, E.unbroadcast(ct, e.a.shape));
      return;
    case 'onehot':
      return;
    case 'slice':
      to(e.a, E.unslice(ct, e.begin, e.size, e.a.shape));
      return;
    case 'unslice':
    case 'sumT':
      return;
    case 'call':
      e.args.forEach((x, i) => to(x, { k: 'vjp', fn: e.fn, args: e.args, wrt: i, ct, out: ct.k === 'var' ? ct.name.slice(1) : null, shape: x.shape }));
      return;
    case 'vjp':
      return;
  }
}

/** Writes each cotangent used once into the line that uses it (dA2 = W3ᵀ·dZ3 goes into dZ2), as the articles do. */
function inlineSingleUse(lines: Line[]): Line[] {
  const count = new Map<string, number>();
  const countIn = (e: Expr) => {
    if (e.k === 'var') count.set(e.name, (count.get(e.name) ?? 0) + 1);
    for (const c of E.children(e)) countIn(c);
  };
  for (const l of lines) countIn(l.expr);
  const inline = new Map<string, Expr>();
  const subst = (e: Expr): Expr => {
    if (e.k === 'var') return inline.get(e.name) ?? e;
    return mapChildren(e, subst);
  };
  const out: Line[] = [];
  for (const l of lines) {
    const expr = subst(l.expr);
    if (l.role === 'backward' && (count.get(l.name) ?? 0) <= 1) {
      inline.set(l.name, expr);
      continue;
    }
    out.push({ ...l, expr });
  }
  return out;
}

/** e with each child replaced by f(child). */
export function mapChildren(e: Expr, f: (x: Expr) => Expr): Expr {
  switch (e.k) {
    case 'var':
    case 'num':
      return e;
    case 'matmul':
      return { ...e, a: f(e.a), b: f(e.b) };
    case 'bin':
      return { ...e, a: f(e.a), b: f(e.b) };
    case 'call':
      return { ...e, args: e.args.map(f) };
    case 'vjp':
      return { ...e, args: e.args.map(f), ct: f(e.ct) };
    default:
      return { ...e, a: f(e.a) } as Expr;
  }
}

/**
 * The textbook step a hand-written cost needs: for A = σ(Z) and the
 * binary cross-entropy written out, ∂L/∂A ⊙ σ′(Z) is
 * ((1 − Y)/(1 − A) − Y/A) ⊙ A(1 − A) = A − Y. Rewrites that product (in either
 * order, with a constant factor) wherever it appears; the value is the same.
 */
function simplifySigmoidCrossEntropy(e: Expr, lineOf: ReadonlyMap<string, Line>): Expr {
  const mapped = mapChildren(e, (c) => simplifySigmoidCrossEntropy(c, lineOf));
  if (mapped.k !== 'bin' || mapped.op !== '*') return mapped;
  for (const [x, d] of [
    [mapped.a, mapped.b],
    [mapped.b, mapped.a],
  ] as const) {
    if (d.k !== 'fn' || d.f !== 'sigmoid' || !d.prime || d.a.k !== 'var') continue;
    const z = d.a.name;
    const scale = x.k === 'scale' && x.mPow === 0 ? x.c : 1;
    const inner = x.k === 'scale' && x.mPow === 0 ? x.a : x;
    const ay = crossEntropyDerivative(inner);
    if (!ay) continue;
    const a = lineOf.get(ay.a);
    if (a?.expr.k !== 'fn' || a.expr.f !== 'sigmoid' || a.expr.prime || a.expr.a.k !== 'var' || a.expr.a.name !== z) continue;
    return E.scale(scale, 0, E.bin('-', E.v(ay.a, a.shape), ay.y));
  }
  return mapped;
}

/** (1 − Y)/(1 − A) − Y/A, the derivative of −[Y log A + (1 − Y) log(1 − A)] with respect to A: A's name and Y. */
function crossEntropyDerivative(e: Expr): { a: string; y: Expr } | null {
  if (e.k !== 'bin' || e.op !== '-') return null;
  const [left, right] = [e.a, e.b];
  if (left.k !== 'bin' || left.op !== '/' || right.k !== 'bin' || right.op !== '/') return null;
  const oneMinus = (x: Expr): Expr | null => (x.k === 'bin' && x.op === '-' && E.isNum(x.a, 1) ? x.b : null);
  const y1 = oneMinus(left.a),
    a1 = oneMinus(left.b);
  if (!y1 || !a1 || a1.k !== 'var' || right.b.k !== 'var' || right.b.name !== a1.name) return null;
  const p = new Printer('text');
  if (p.print(y1) !== p.print(right.a)) return null;
  return { a: a1.name, y: right.a };
}
