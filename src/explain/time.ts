// The compact view of a recurrent layer: its unrolled steps (H1⟨1⟩, ...,
// H1⟨T⟩ and their gradients) printed as one step t, the recurrence, and the
// backpropagation-through-time sums over t, e.g.
//   Z1⟨t⟩ = P1⟨t⟩ + H1⟨t−1⟩·U1,  H1⟨t⟩ = tanh(Z1⟨t⟩)
//   dZ1⟨t⟩ = (dZ1⟨t+1⟩·U1ᵀ) ⊙ tanh′(Z1⟨t⟩),  dU1 = (1/m) Σ_t H1⟨t−1⟩ᵀ·dZ1⟨t⟩
// A view only: the explanation's lines (and evaluate) keep every step.
import type { Line } from './build.js';
import { mapChildren } from './backward.js';
import type { Expr } from './expr.js';
import { Printer } from './format.js';

const STEP = /^(.*)⟨(\d+)⟩$/;

/** The step of a name (H1⟨3⟩ → 3), or null. */
function stepOf(name: string): { base: string; k: number } | null {
  const m = STEP.exec(name);
  return m ? { base: m[1]!, k: Number(m[2]) } : null;
}

/** e with each step index k renamed by label(k) (null keeps it); slices along the time axis get the label too. */
function relabel(e: Expr, label: (k: number) => string | null): Expr {
  if (e.k === 'var') {
    const s = stepOf(e.name);
    const l = s ? label(s.k) : null;
    return l === null ? e : { ...e, name: `${s!.base}⟨${l}⟩` };
  }
  if ((e.k === 'slice' || e.k === 'unslice') && e.begin.length >= 2 && e.size[1] === 1) {
    const l = label(e.begin[1]! + 1);
    const inner = mapChildren(e, (c) => relabel(c, label));
    return l === null ? inner : ({ ...inner, labels: e.begin.map((_, i) => (i === 1 ? l : null)) } as Expr);
  }
  return mapChildren(e, (c) => relabel(c, label));
}

/** Relative labels around step t: t−1, t, t+1; the ends 0 and T. */
function labels(t: number, T: number): (k: number) => string | null {
  return (k) => (k === t ? 't' : k === t - 1 ? 't−1' : k === t + 1 ? 't+1' : k === 0 ? '0' : k === T ? 'T' : k === T - 1 ? 'T−1' : null);
}

/** The step indices an expression reads. */
function stepsIn(e: Expr, out: Set<number> = new Set()): Set<number> {
  if (e.k === 'var') {
    const s = stepOf(e.name);
    if (s) out.add(s.k);
  }
  if (e.k !== 'var' && e.k !== 'num')
    mapChildren(e, (c) => {
      stepsIn(c, out);
      return c;
    });
  return out;
}

/** The terms of a sum a + b + ... */
function terms(e: Expr): Expr[] {
  return e.k === 'bin' && e.op === '+' ? [...terms(e.a), ...terms(e.b)] : [e];
}

/** When every term is the same term of its own step (read relative to its latest step), Σ_t of it. */
function sumOverSteps(e: Expr, T: number): Expr | null {
  const ts = terms(e);
  if (ts.length < 2 || ts.length !== T) return null;
  const p = new Printer('text');
  const general = ts.map((x) => {
    const ks = [...stepsIn(x)];
    if (ks.length === 0) return null;
    const top = Math.max(...ks);
    return relabel(x, (k) => (k === top ? 't' : k === top - 1 ? 't−1' : null));
  });
  if (general.some((g) => g === null)) return null;
  const text = general.map((g) => p.print(g!));
  if (text.some((t) => t !== text[0])) return null;
  const g = general[0]!;
  // a common factor stays outside the sum: (1/m) Σ_t ...
  if (g.k === 'scale') return { ...g, a: { k: 'sumT', a: g.a, shape: g.a.shape } };
  return { k: 'sumT', a: g, shape: g.shape };
}

/**
 * The compact view of `lines` (forward or backward), or the lines as they
 * are when no recurrent layer has 3 or more steps.
 */
export function compactSteps(lines: readonly Line[], T: number, forward: boolean): Line[] {
  if (T < 3) return [...lines];
  const t = 2;
  const out: Line[] = [];
  let noted = false;
  for (const l of lines) {
    const s = stepOf(l.name);
    if (s) {
      if (s.base.startsWith('P') && forward) continue; // P1⟨t⟩: step t of P1, said in a note
      if (s.k === 0) {
        out.push(l);
        continue;
      } // the initial state
      if (s.k === t) {
        const layer = s.base.replace(/\D/g, '');
        const note =
          forward && !noted
            ? `for t = 1, …, T (T = ${T}); P${layer}⟨t⟩ = P${layer}[:, t] is step t of P${layer}, the input's product for every step at once`
            : l.note;
        noted = true;
        out.push({ ...l, name: `${s.base}⟨t⟩`, expr: relabel(l.expr, labels(t, T)), note });
        continue;
      }
      if (!forward && s.k === T) {
        out.push({ ...l, name: `${s.base}⟨T⟩`, expr: relabel(l.expr, (k) => (k === T ? 'T' : k === T - 1 ? 'T−1' : null)) });
        continue;
      }
      continue;
    }
    const summed = forward ? null : sumOverSteps(l.expr, T);
    out.push({ ...l, expr: summed ?? relabel(l.expr, (k) => (k === T ? 'T' : k === 0 ? '0' : null)) });
  }
  return out;
}

/** The number of steps of the recurrent layers in `lines` (the largest step index), 0 without any. */
export function stepCount(lines: readonly Line[]): number {
  let T = 0;
  for (const l of lines) {
    const s = stepOf(l.name);
    if (s) T = Math.max(T, s.k);
  }
  return T;
}
