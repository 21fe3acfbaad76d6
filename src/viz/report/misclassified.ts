/**
 * The examples a classifier gets wrong: which ones (findMisclassified), and
 * their section of the report (small images, or a table of feature values,
 * with the true label, the prediction and the most probable classes).
 */
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { imageGrid, type TensorData } from '../images.js';
import { esc, percent, table } from './html.js';
import type { MisclassifiedData, MisclassifiedExample } from './types.js';

/** Options for findMisclassified. */
export interface FindMisclassifiedOptions {
  /** How many examples to keep (default 24). */
  limit?: number;
}

const checkData = (op: string, name: string, t: TensorData) => {
  if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || !t.storage) throw new ArgumentError(`${op}: ${name} must be a tensor (shape and storage)`);
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (t.storage.length !== size) throw new ShapeError(`${op}: ${name} has ${t.storage.length} values but shape [${t.shape.join(',')}]`);
};

/**
 * The examples whose predicted class, argmax_k p[i][k] (the first of equal
 * maxima), differs from the true class labels[i]: inputs `x` [n, ...],
 * `labels` [n] class indices, `probabilities` [n, k] the model's outputs
 * (softmax). The most confident mistakes come first (by p[i][predicted],
 * descending; ties by row), at most `limit` of them; `wrong` counts them all.
 */
export function findMisclassified(
  x: TensorData,
  labels: ArrayLike<number>,
  probabilities: TensorData,
  options: FindMisclassifiedOptions = {},
): Pick<MisclassifiedData, 'examples' | 'total' | 'wrong'> {
  const op = 'findMisclassified';
  checkData(op, 'x', x);
  checkData(op, 'probabilities', probabilities);
  const n = probabilities.shape[0] ?? 0;
  if (probabilities.shape.length !== 2) throw new ShapeError(`${op}: probabilities must be [n, classes], got [${probabilities.shape.join(',')}]`);
  if (x.shape[0] !== n || labels.length !== n) {
    throw new ShapeError(
      `${op}: x [${x.shape.join(',')}], labels (${labels.length}) and probabilities [${probabilities.shape.join(',')}] must have the same number of examples`,
    );
  }
  const limit = options.limit ?? 24;
  if (!(Number.isInteger(limit) && limit >= 0)) throw new ArgumentError(`${op}: limit must be a whole number ≥ 0, got ${limit}`);
  const k = probabilities.shape[1]!,
    p = probabilities.storage,
    per = n > 0 ? x.storage.length / n : 0;
  const wrong: { i: number; predicted: number; confidence: number }[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    if (best !== labels[i]) wrong.push({ i, predicted: best, confidence: p[i * k + best]! });
  }
  const kept = [...wrong].sort((a, b) => b.confidence - a.confidence || a.i - b.i).slice(0, limit);
  const examples: MisclassifiedExample[] = kept.map(({ i, predicted }) => ({
    index: i,
    label: labels[i]!,
    predicted,
    probabilities: Array.from({ length: k }, (_, c) => p[i * k + c]!),
    input: Array.from({ length: per }, (_, j) => x.storage[i * per + j]!),
  }));
  return { examples, total: n, wrong: wrong.length };
}

/** The `top` most probable classes of an example, most probable first (ties by class index). */
function topClasses(probabilities: readonly number[], top: number): number[] {
  return probabilities
    .map((_, c) => c)
    .sort((a, b) => probabilities[b]! - probabilities[a]! || a - b)
    .slice(0, top);
}

/** The probability bars of an example: green for the true class, red for the (wrong) prediction. */
function probabilityBars(e: MisclassifiedExample, top: number, name: (c: number) => string): string {
  const rows = topClasses(e.probabilities, top).map((c) => {
    const p = e.probabilities[c]!;
    const kind = c === e.label ? ' good' : c === e.predicted ? ' bad' : '';
    const width = Math.max(0, Math.min(100, 100 * p)).toFixed(1);
    return `<div class="prob"><span class="name" title="${esc(name(c))}">${esc(name(c))}</span><span class="track"><span class="fill${kind}" style="display: block; width: ${width}%"></span></span><span class="value">${percent(p)}</span></div>`;
  });
  return `<div class="probs">${rows.join('')}</div>`;
}

/** The body of the misclassified section: image cards, or a table of feature values. */
export function misclassifiedBody(op: string, m: MisclassifiedData, classNames: readonly string[] | undefined): string[] {
  if (!m || typeof m !== 'object' || !Array.isArray(m.examples)) throw new ArgumentError(`${op}: misclassified must be { examples, total, wrong }`);
  const name = (c: number) => classNames?.[c] ?? String(c);
  const top = m.top ?? 3;
  if (!(Number.isInteger(top) && top >= 1)) throw new ArgumentError(`${op}: misclassified.top must be a whole number ≥ 1, got ${top}`);
  const shown = m.examples.length < m.wrong ? `; the ${m.examples.length} shown are the most confident mistakes` : '';
  const bars = m.imageShape ? ' Bars: the most probable classes; green the true class, red the prediction.' : '';
  const body = [`<p class="note">${m.wrong} of ${m.total} test examples are misclassified (${percent(m.total ? m.wrong / m.total : 0)})${shown}.${bars}</p>`];
  if (m.examples.length === 0) return body;
  if (m.imageShape) {
    const [h, w] = m.imageShape;
    const cards = m.examples.map((e, k) => {
      if (e.input.length !== h * w)
        throw new ShapeError(`${op}: misclassified example ${k} has ${e.input.length} input values, not the ${h}×${w} of imageShape`);
      // the image untitled (the card's text says what it is); its <title> (the tooltip) names the example
      const tooltip = `test example ${e.index}: true ${name(e.label)}, predicted ${name(e.predicted)}`;
      const svg = imageGrid(
        { shape: [1, h, w], storage: e.input },
        { scale: Math.max(1, Math.min(8, Math.round(72 / Math.max(h, w)))), ...(m.pixelRange ? { range: m.pixelRange } : {}) },
      ).replace(/<title>[^<]*<\/title>/, () => `<title>${esc(tooltip)}</title>`);
      return [
        `<div class="card" data-index="${e.index}">`,
        svg.trim(),
        `<div><span class="truth">true ${esc(name(e.label))}</span> · <span class="wrong">predicted ${esc(name(e.predicted))}</span></div>`,
        `<div class="note">test example ${e.index}</div>`,
        probabilityBars(e, top, name),
        '</div>',
      ].join('\n');
    });
    body.push(`<div class="cards">\n${cards.join('\n')}\n</div>`);
    return body;
  }
  const features = m.examples[0]!.input.length;
  const shownFeatures = Math.min(features, 30);
  const headers = [
    'test example',
    'true',
    'predicted',
    'probabilities',
    ...Array.from({ length: shownFeatures }, (_, j) => m.featureNames?.[j] ?? `x${j + 1}`),
    ...(features > shownFeatures ? ['…'] : []),
  ];
  const rows = m.examples.map((e) => [
    e.index,
    name(e.label),
    { html: `<span class="wrong">${esc(name(e.predicted))}</span>` },
    {
      html: topClasses(e.probabilities, top)
        .map((c) => `${esc(name(c))} ${percent(e.probabilities[c]!)}`)
        .join('<br/>'),
    },
    ...e.input.slice(0, shownFeatures).map((v: number) => Number(v.toPrecision(6))),
    ...(features > shownFeatures ? ['…'] : []),
  ]);
  body.push(table(headers, rows, 'features numbers'));
  return body;
}
