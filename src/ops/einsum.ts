import { scoped } from '../autograd/tape.js';
import { describe } from '../core/describe.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { cast, floatTensor, type TensorLike } from './convert.js';
import { matmul } from './linalg.js';
import { diagonalOf } from './rearrange.js';
import { sum } from './reduce.js';
import { broadcastTo, permute, reshape } from './shape.js';
import { promoteTypes } from '../core/dtype.js';

interface Term {
  t: Tensor;
  labels: string[];
}

/** The labels of one operand of the equation: letters, and `...` as the ellipsis labels '.k' (aligned from the right across operands). */
function parseLabels(equation: string, spec: string, rank: number | null, E: number): string[] {
  const dots = spec.indexOf('...');
  if (dots !== spec.lastIndexOf('...')) throw new ArgumentError(`einsum: '${equation}': more than one ellipsis in '${spec}'`);
  const letters = spec.replace('...', '');
  for (const c of letters) {
    if (!/[a-zA-Z]/.test(c)) throw new ArgumentError(`einsum: '${equation}': '${c}' is not a subscript (letters a-z, A-Z and '...')`);
  }
  if (dots < 0) {
    if (rank !== null && letters.length !== rank) {
      throw new ShapeError(`einsum: '${equation}': subscripts '${spec}' name ${letters.length} axes of an operand of rank ${rank}`);
    }
    return [...letters];
  }
  const m = rank === null ? E : rank - letters.length;
  if (m < 0) throw new ShapeError(`einsum: '${equation}': subscripts '${spec}' name more axes than the operand's rank ${rank}`);
  const ell = Array.from({ length: m }, (_, i) => `.${E - m + i}`);
  return [...spec.slice(0, dots), ...ell, ...spec.slice(dots + 3)];
}

/**
 * Einstein summation: `einsum('ij,jk->ik', a, b)` is a·b. Each operand's
 * axes are named by letters; a letter repeated in one operand takes the
 * diagonal; letters missing from the output (after `->`, or, without it, the
 * letters that appear once, in alphabetical order) are summed over:
 * out[o…] = Σ_{s…} Π_k x_k[labels_k]. `...` stands for the same broadcast
 * (leading) axes in every operand. Computed with diagonals, sums and one
 * batched matmul per pair of operands, pairing greedily the two whose result
 * is smallest; its gradients are those of these parts.
 */
export function einsum(equation: string, ...xs: TensorLike[]): Tensor {
  return scoped('einsum', 'op', xs, { equation }, () => {
    if (typeof equation !== 'string') throw new ArgumentError(`einsum: argument equation must be a string, got ${describe(equation)}`);
    const eq = equation.replace(/\s+/g, '');
    const arrow = eq.indexOf('->');
    const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
    const rhs = arrow < 0 ? null : eq.slice(arrow + 2);
    if (rhs?.includes('->')) throw new ArgumentError(`einsum: '${equation}' has more than one '->'`);
    const specs = lhs.split(',');
    if (specs.length !== xs.length) throw new ArgumentError(`einsum: '${equation}' names ${specs.length} operands, got ${xs.length}`);
    let ts = xs.map((x, i) => floatTensor('einsum', `operands[${i}]`, x));
    if (ts.length === 0) throw new ArgumentError(`einsum: needs at least one operand`);
    const dtype = ts.map((t) => t.dtype).reduce(promoteTypes);
    ts = ts.map((t) => cast(t, dtype));

    const E = Math.max(0, ...specs.map((s, i) => (s.includes('...') ? ts[i]!.rank - (s.length - 3) : 0)));
    let terms: Term[] = ts.map((t, i) => ({ t, labels: parseLabels(equation, specs[i]!, t.rank, E) }));

    // every label's size, broadcasting size-1 ellipsis axes
    const size = new Map<string, number>();
    for (const { t, labels } of terms) {
      labels.forEach((l, a) => {
        const d = t.shape[a]!,
          known = size.get(l);
        if (known === undefined || known === 1) size.set(l, d);
        else if (d !== known && !(l.startsWith('.') && d === 1)) {
          throw new ShapeError(
            `einsum: '${equation}': subscript '${l.startsWith('.') ? '...' : l}' has sizes ${known} and ${d} in operands of shapes ${terms.map((u) => formatShape(u.t.shape)).join(', ')}`,
          );
        }
      });
    }
    let out: string[];
    if (rhs === null) {
      const counts = new Map<string, number>();
      for (const { labels } of terms) for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
      const ell = Array.from({ length: E }, (_, i) => `.${i}`);
      out = [
        ...ell,
        ...[...counts]
          .filter(([l, c]) => c === 1 && !l.startsWith('.'))
          .map(([l]) => l)
          .sort(),
      ];
    } else {
      out = parseLabels(equation, rhs, null, E);
      if (new Set(out).size !== out.length) throw new ArgumentError(`einsum: '${equation}': a subscript repeats in the output`);
      for (const l of out) if (!size.has(l)) throw new ArgumentError(`einsum: '${equation}': output subscript '${l}' appears in no operand`);
    }

    // one operand at a time: diagonals of repeated labels, broadcast ellipsis axes
    terms = terms.map(({ t, labels }) => {
      let u = t,
        ls = [...labels];
      for (;;) {
        const i = ls.findIndex((l, k) => ls.indexOf(l) !== k);
        if (i < 0) break;
        const first = ls.indexOf(ls[i]!);
        if (u.shape[first] !== u.shape[i])
          throw new ShapeError(`einsum: '${equation}': subscript '${ls[i]}' repeats over axes of sizes ${u.shape[first]} and ${u.shape[i]}`);
        u = diagonalOf(u, 0, first, i);
        ls = [...ls.filter((_, k) => k !== first && k !== i), ls[i]!];
      }
      const full = ls.map((l) => size.get(l)!);
      if (full.some((d, k) => d !== u.shape[k])) u = broadcastTo(u, full);
      return { t: u, labels: ls };
    });

    const neededBeyond = (skip: readonly Term[]) => new Set([...out, ...terms.filter((u) => !skip.includes(u)).flatMap((u) => u.labels)]);
    const sumUnneeded = (term: Term, keep: Set<string>): Term => {
      const axes = term.labels.flatMap((l, a) => (keep.has(l) ? [] : [a]));
      if (axes.length === 0) return term;
      return { t: sum(term.t, axes), labels: term.labels.filter((l) => keep.has(l)) };
    };
    terms = terms.map((u) => sumUnneeded(u, neededBeyond([u])));

    while (terms.length > 1) {
      let best: [number, number] = [0, 1],
        bestSize = Infinity;
      for (let i = 0; i < terms.length; i++) {
        for (let j = i + 1; j < terms.length; j++) {
          const keep = neededBeyond([terms[i]!, terms[j]!]);
          const labels = new Set([...terms[i]!.labels, ...terms[j]!.labels].filter((l) => keep.has(l)));
          const n = sizeOf([...labels].map((l) => size.get(l)!));
          if (n < bestSize) {
            bestSize = n;
            best = [i, j];
          }
        }
      }
      const [A, B] = [terms[best[0]]!, terms[best[1]]!];
      const keep = neededBeyond([A, B]);
      const c = contract(sumUnneeded(A, new Set([...keep, ...B.labels])), sumUnneeded(B, new Set([...keep, ...A.labels])), keep, size);
      terms = [...terms.filter((u) => u !== A && u !== B), c];
    }
    const last = sumUnneeded(terms[0]!, new Set(out));
    return permute(
      last.t,
      out.map((l) => last.labels.indexOf(l)),
    );
  });
}

/** A·B over their shared labels: batch labels (shared and kept) and contracted ones (shared, not kept), as one batched matmul. */
function contract(A: Term, B: Term, keep: Set<string>, size: Map<string, number>): Term {
  const shared = A.labels.filter((l) => B.labels.includes(l));
  const batch = shared.filter((l) => keep.has(l)),
    inner = shared.filter((l) => !keep.has(l));
  const aOnly = A.labels.filter((l) => !shared.includes(l)),
    bOnly = B.labels.filter((l) => !shared.includes(l));
  const dims = (ls: string[]) => ls.map((l) => size.get(l)!);
  const prod = (ls: string[]) => sizeOf(dims(ls));
  const a = reshape(
    permute(
      A.t,
      [...batch, ...aOnly, ...inner].map((l) => A.labels.indexOf(l)),
    ),
    [prod(batch), prod(aOnly), prod(inner)],
  );
  const b = reshape(
    permute(
      B.t,
      [...batch, ...inner, ...bOnly].map((l) => B.labels.indexOf(l)),
    ),
    [prod(batch), prod(inner), prod(bOnly)],
  );
  const c = matmul(a, b);
  return { t: reshape(c, dims([...batch, ...aOnly, ...bOnly])), labels: [...batch, ...aOnly, ...bOnly] };
}
