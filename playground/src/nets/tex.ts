// LaTeX for the Equations lab: a quantity's symbol from its name in the
// explanation (dW1 → dW₁), its shape (W₁ ∈ ℝ^{4×2}) and a few of its numbers
// as a matrix, typeset with KaTeX.
import katex from 'katex';
import 'katex/dist/katex.min.css';

/** The symbol of a quantity: 'dW1' → \mathrm{d}W_{1}, 'A0' → A_{0}, 'J' → J. */
export function symbol(name: string): string {
  const m = /^(d?)(.*?)(\d+)$/.exec(name);
  const base = m ? `${m[2]}_{${m[3]}}` : name;
  return m?.[1] ? `\\mathrm{d}${base}` : name.startsWith('d') && name.length > 1 ? `\\mathrm{d}${name.slice(1)}` : base;
}

/** "∈ ℝ^{4×m}" for a shape like ['4', 'm'] (a scalar: ∈ ℝ). */
export function space(shape: readonly (string | number)[]): string {
  return shape.length === 0 ? '\\in \\mathbb{R}' : `\\in \\mathbb{R}^{${shape.join(' \\times ')}}`;
}

const num = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : v.toFixed(3)) : '\\text{NaN}');

/** A few entries of a matrix (its top-left corner, `rows` at least 3 × 3 of it) with ⋯ and ⋮ where it goes on. */
export function matrix(rows: readonly (readonly number[])[], shape: readonly number[]): string {
  const R = shape.length === 0 ? 1 : shape.length === 1 ? 1 : shape[0]!,
    C = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  if (shape.length === 0) return num(rows[0]?.[0] ?? NaN);
  // at most 3 × 3 cells: all of a small matrix, else 2 entries and ⋯ (⋮)
  const nr = R > 3 ? 2 : R,
    nc = C > 3 ? 2 : C;
  const body = rows.slice(0, nr).map((r) => [...r.slice(0, nc).map(num), ...(C > nc ? ['\\cdots'] : [])].join(' & '));
  if (R > nr) body.push([...Array.from({ length: nc }, () => '\\vdots'), ...(C > nc ? ['\\ddots'] : [])].join(' & '));
  return `\\begin{bmatrix} ${body.join(' \\\\ ')} \\end{bmatrix}`;
}

/** Typesets `tex` into `el` (errors shown in red in place, never thrown). */
export function typeset(el: HTMLElement, tex: string, display = false): void {
  katex.render(tex, el, { throwOnError: false, displayMode: display, output: 'htmlAndMathml' });
}
