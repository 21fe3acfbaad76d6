// Printing an explanation's expressions: plain text with Unicode (W1·X + b1,
// dZ2 = (W3ᵀ·dZ3) ⊙ relu′(Z2), Σ_m), or LaTeX (for KaTeX/MathJax, Markdown).
import type { Expr, Shape } from './expr.js';

export type Notation = 'text' | 'latex';

const GREEK: Record<string, string> = { γ: '\\gamma', β: '\\beta', μ: '\\mu', σ: '\\sigma', η: '\\eta', '²': '^{2}' };

/** A name in LaTeX: W1 → W_{1}, dZ3 → dZ_{3}, γ2 → \gamma_{2}, dense_1.kernel → \mathrm{dense\_1.kernel}. */
export function latexName(name: string): string {
  const step = /^(.*)⟨(.+)⟩$/.exec(name);
  if (step) return `${latexName(step[1]!)}^{\\langle ${step[2]!.replace('−', '-')} \\rangle}`;
  const m = /^(d?)([A-Za-zγβμση²]+?)(\d+)$/.exec(name) ?? /^(d?)([A-Za-zγβμση²])()$/.exec(name);
  if (m) {
    const base = [...m[2]!]
      .map((c) => GREEK[c] ?? c)
      .join(' ')
      .replace(/ \^/g, '^');
    const body = m[2]!.length > 1 && !/[γβμση²]/.test(m[2]!) ? `\\mathrm{${base}}` : base;
    return `${m[1] ? '\\mathrm{d}' : ''}${body}${m[3] ? `_{${m[3]}}` : ''}`;
  }
  return `\\mathrm{${name.replace(/_/g, '\\_')}}`;
}

/** A number as printed: 1, 0.5, 1e-7. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const s = Number(x.toPrecision(4));
  return Math.abs(s) < 1e-3 || Math.abs(s) >= 1e6 ? s.toExponential().replace('e-', 'e−').replace('+', '') : String(s);
}

const FN_TEXT: Record<string, string> = { sigmoid: 'σ', leakyRelu: 'leakyRelu', log1p: 'log1p' };
const FN_LATEX: Record<string, string> = { sigmoid: '\\sigma', tanh: '\\tanh', log: '\\log', exp: '\\exp', sin: '\\sin', cos: '\\cos' };

/** Which axes a reduction runs over, as a subscript: m (the examples), k (the classes), or nothing (all). */
function over(e: { a: Expr; axes: readonly number[] }): string {
  const s = e.a.shape;
  if (e.axes.length === s.length) return '';
  if (e.axes.every((i) => typeof s[i] === 'string')) return String(s[e.axes[0]!]);
  if (e.axes.length === 1 && e.a.shape.length <= 2) return 'k';
  return e.axes.map((i) => (typeof s[i] === 'string' ? s[i] : i)).join(',');
}

/** The number of entries a mean divides by, as m, 10m, 10. */
function count(e: { a: Expr; axes: readonly number[] }): { n: number; sym: string } {
  let n = 1,
    sym = '';
  for (const i of e.axes) {
    const d = e.a.shape[i]!;
    if (typeof d === 'number') n *= d;
    else sym += d;
  }
  return { n, sym };
}

/** Prints expressions in a notation; precedence: 1 sums, 2 products, 3 unary minus, 4 atoms. */
export class Printer {
  constructor(readonly notation: Notation) {}

  private get tex(): boolean {
    return this.notation === 'latex';
  }

  name(n: string): string {
    return this.tex ? latexName(n) : n;
  }

  print(e: Expr): string {
    return this.p(e).s;
  }

  private wrap(x: { s: string; prec: number }, min: number): string {
    return x.prec >= min ? x.s : this.tex ? `\\left(${x.s}\\right)` : `(${x.s})`;
  }

  /** An operand of a superscript: in LaTeX, one that has a superscript already is braced (H^{⟨t⟩} then {…}^{⊤}). */
  private base(x: { s: string; prec: number }): string {
    const w = this.wrap(x, 4);
    return this.tex && x.prec >= 4 && w.includes('^') ? `{${w}}` : w;
  }

  private factor(c: number, mPow: number): string {
    const inv = 1 / c;
    const m = mPow === 0 ? '' : Math.abs(mPow) === 1 ? 'm' : `m^${Math.abs(mPow)}`;
    const mTex = Math.abs(mPow) > 1 ? `m^{${Math.abs(mPow)}}` : m;
    if (mPow < 0) {
      const den = Number.isInteger(inv) && inv !== 1 ? `${formatNumber(inv)}${this.tex ? mTex : m}` : this.tex ? mTex : m;
      const num = Number.isInteger(inv) ? '1' : formatNumber(c);
      return this.tex ? `\\frac{${num}}{${den}}` : `(${num}/${den})`;
    }
    if (Number.isInteger(inv) && inv > 1 && !Number.isInteger(c)) return this.tex ? `\\frac{1}{${formatNumber(inv)}}${mTex}` : `(1/${formatNumber(inv)})${m}`;
    return `${c === 1 ? '' : formatNumber(c)}${this.tex ? mTex : m}`;
  }

  private p(e: Expr): { s: string; prec: number } {
    const T = this.tex;
    switch (e.k) {
      case 'var':
        return { s: this.name(e.name), prec: 4 };
      case 'num':
        return { s: formatNumber(e.value).replace('−', T ? '-' : '−'), prec: e.value < 0 ? 3 : 4 };
      case 'scale': {
        if (e.a.k === 'num' && e.a.value === 1) return { s: this.factor(e.c, e.mPow), prec: 4 };
        const sign = e.c < 0 ? (T ? '-' : '−') : '';
        const f = this.factor(Math.abs(e.c), e.mPow);
        const body = this.wrap(this.p(e.a), 2);
        const s = `${f}${f === '' ? '' : T ? '\\,' : f.endsWith(')') ? ' ' : ''}${body}`;
        return { s: sign + s, prec: sign ? 3 : 2 };
      }
      case 'neg':
        return { s: `${T ? '-' : '−'}${this.wrap(this.p(e.a), 2)}`, prec: 1.5 };
      case 'matmul':
        return { s: `${this.wrap(this.p(e.a), 2.2)}${T ? ' \\cdot ' : '·'}${this.wrap(this.p(e.b), 2.2)}`, prec: 2.2 };
      case 'T':
        return { s: `${this.base(this.p(e.a))}${T ? '^{\\top}' : 'ᵀ'}`, prec: 4 };
      case 'bin': {
        const a = this.p(e.a),
          b = this.p(e.b);
        switch (e.op) {
          case '+':
            return { s: `${this.wrap(a, 1)} + ${this.wrap(b, 1.5)}`, prec: 1 };
          case '-':
            return { s: `${this.wrap(a, 1)} ${T ? '-' : '−'} ${this.wrap(b, 2)}`, prec: 1 };
          case '*': {
            const scalar = e.a.shape.length === 0 || e.b.shape.length === 0;
            const op = scalar ? (T ? ' \\cdot ' : '·') : T ? ' \\odot ' : ' ⊙ ';
            return { s: `${this.wrap(a, 2.3)}${op}${this.wrap(b, 2.3)}`, prec: 2 };
          }
          case '/':
            return T ? { s: `\\frac{${a.s}}{${b.s}}`, prec: 4 } : { s: `${this.wrap(a, 2.1)} / ${this.wrap(b, 3)}`, prec: 2 };
        }
        break;
      }
      case 'fn': {
        const x = this.p(e.a);
        if (!e.prime) {
          if (e.f === 'square') return { s: `${this.base(x)}${T ? '^{2}' : '²'}`, prec: 4 };
          if (e.f === 'abs') return { s: T ? `\\left|${x.s}\\right|` : `|${x.s}|`, prec: 4 };
          if (e.f === 'sqrt') return { s: T ? `\\sqrt{${x.s}}` : `√${this.wrap(x, 4)}`, prec: 4 };
          if (e.f === 'clip')
            return { s: `${T ? '\\operatorname{clip}' : 'clip'}(${x.s}, ${formatNumber(e.attrs.min!)}, ${formatNumber(e.attrs.max!)})`, prec: 4 };
        }
        const name = T ? (FN_LATEX[e.f] ?? `\\operatorname{${e.f}}`) : (FN_TEXT[e.f] ?? e.f);
        const alpha = e.f === 'leakyRelu' || e.f === 'elu' ? (T ? `_{${formatNumber(e.attrs.alpha!)}}` : `[${formatNumber(e.attrs.alpha!)}]`) : '';
        return { s: `${name}${alpha}${e.prime ? (T ? "'" : '′') : ''}${T ? '\\left(' : '('}${x.s}${T ? '\\right)' : ')'}`, prec: 4 };
      }
      case 'softmax': {
        const name = e.log ? 'logsoftmax' : 'softmax';
        return { s: `${T ? `\\operatorname{${name}}\\left(` : `${name}(`}${this.print(e.a)}${T ? '\\right)' : ')'}`, prec: 4 };
      }
      case 'sum': {
        const sub = over(e);
        const sigma = T ? `\\sum${sub ? `_{${sub}}` : ''}` : `Σ${sub ? `_${sub}` : ''}`;
        return { s: `${sigma} ${this.wrap(this.p(e.a), 2)}`, prec: 2 };
      }
      case 'mean': {
        const sub = over(e);
        if (sub !== '' && !e.axes.some((i) => typeof e.a.shape[i] === 'string'))
          return { s: `${T ? `\\operatorname{mean}_{${sub}}` : `mean_${sub}`}${T ? '\\left(' : '('}${this.print(e.a)}${T ? '\\right)' : ')'}`, prec: 4 };
        const { n, sym } = count(e);
        const den = `${n === 1 ? '' : formatNumber(n)}${sym}`;
        const sigma = T ? `\\sum${sub ? `_{${sub}}` : ''}` : `Σ${sub ? `_${sub}` : ''}`;
        return { s: `${T ? `\\frac{1}{${den}}` : `(1/${den})`} ${sigma} ${this.wrap(this.p(e.a), 2)}`, prec: 2 };
      }
      case 'reshape': {
        if (sameDims(e.a.shape, e.shape)) return this.p(e.a);
        return { s: `${T ? '\\operatorname{reshape}' : 'reshape'}(${this.print(e.a)}, ${this.shape(e.shape)})`, prec: 4 };
      }
      case 'expand':
        return this.p(e.a);
      case 'slice': {
        const idx = e.size.map((n, i) =>
          e.labels?.[i]
            ? e.labels[i]!
            : n === e.a.shape[i] && e.begin[i] === 0
              ? ':'
              : n === 1
                ? String(e.begin[i])
                : `${e.begin[i]}:${e.begin[i]! + (typeof n === 'number' ? n : 0)}`,
        );
        while (idx.length > 1 && idx[idx.length - 1] === ':') idx.pop();
        return { s: `${this.wrap(this.p(e.a), 4)}[${idx.join(', ')}]`, prec: 4 };
      }
      case 'unslice': {
        const idx = e.size.map((n, i) => (e.labels?.[i] ? e.labels[i]! : n === e.shape[i] ? ':' : n === 1 ? String(e.begin[i]) : `${e.begin[i]}:`));
        while (idx.length > 1 && idx[idx.length - 1] === ':') idx.pop();
        return { s: T ? `\\operatorname{at}_{[${idx.join(', ')}]}\\left(${this.print(e.a)}\\right)` : `(${this.print(e.a)} at [${idx.join(', ')}])`, prec: 4 };
      }
      case 'sumT':
        return { s: `${T ? '\\sum_{t}' : 'Σ_t'} ${this.wrap(this.p(e.a), 2)}`, prec: 2 };
      case 'onehot':
        return { s: `${T ? '\\operatorname{onehot}' : 'onehot'}(${this.print(e.a)})`, prec: 4 };
      case 'call':
        return { s: `${T ? `\\operatorname{${e.fn.op}}` : e.fn.op}(${e.args.map((a) => this.print(a)).join(', ')})`, prec: 4 };
      case 'vjp': {
        const arg = e.args[e.wrt]!;
        const wrt = arg.k === 'var' ? this.name(arg.name) : `x_{${e.wrt + 1}}`;
        const ct = this.wrap(this.p(e.ct), 4);
        return T
          ? { s: `\\left(\\frac{\\partial\\,\\operatorname{${e.fn.op}}}{\\partial ${wrt}}\\right)^{\\top} ${ct}`, prec: 2 }
          : { s: `(∂${e.fn.op}/∂${wrt})ᵀ·${ct}`, prec: 2 };
      }
    }
    return { s: '?', prec: 4 };
  }

  /** A shape as the articles write it: (64, m). */
  shape(s: Shape): string {
    return s.length === 0 ? 'scalar' : `(${s.join(', ')})`;
  }
}

function sameDims(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
