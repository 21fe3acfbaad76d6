/**
 * Equations typeset as MathML by KaTeX when the page is written: browsers
 * draw MathML natively, so the page needs no fonts, CSS or script for them.
 * KaTeX is imported on first use only, so nabla's static import graph (what
 * a browser bundle holds) does not include it.
 */
import { ArgumentError } from '../../core/errors.js';
import { unicodeMathVariants } from './mathvariant.js';

type Katex = { renderToString(tex: string, options: Record<string, unknown>): string };
let katex: Promise<Katex> | null = null;

async function loadKatex(): Promise<Katex> {
  katex ??= import('katex').then((m) => (m as { default?: Katex }).default ?? (m as unknown as Katex));
  return katex;
}

/**
 * Each LaTeX string typeset as one display equation in MathML
 * (`katex.renderToString(tex, { output: 'mathml', displayMode: true })`):
 * a `<span class="katex"><math display="block">...</math></span>`, with the
 * LaTeX kept as its annotation; letters in a mathvariant (\mathbb{R}) are
 * written as Unicode math symbols (ℝ), since MathML Core draws only "normal".
 * LaTeX KaTeX cannot parse is an ArgumentError naming the equation.
 */
export async function typesetEquations(op: string, equations: readonly string[]): Promise<string[]> {
  if (!Array.isArray(equations)) throw new ArgumentError(`${op}: equations must be an array of LaTeX strings`);
  equations.forEach((tex, i) => {
    if (typeof tex !== 'string') throw new ArgumentError(`${op}: equations[${i}] must be a LaTeX string, got ${typeof tex}`);
  });
  if (equations.length === 0) return [];
  const k = await loadKatex();
  return equations.map((tex, i) => {
    try {
      return unicodeMathVariants(k.renderToString(tex, { output: 'mathml', displayMode: true, throwOnError: true, strict: 'ignore', trust: false }));
    } catch (e) {
      throw new ArgumentError(`${op}: equations[${i}] is not LaTeX KaTeX can typeset (${(e as Error).message}): ${JSON.stringify(tex.slice(0, 80))}`);
    }
  });
}
