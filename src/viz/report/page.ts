/**
 * The run report: one self-contained HTML page (inline CSS, inline SVG,
 * equations as MathML; no script, no font, no external reference), which
 * opens from disk with no server and no network.
 */
import { describe } from '../../core/describe.js';
import { ArgumentError } from '../../core/errors.js';
import { confusionMatrixChart } from '../confusion.js';
import { weightImages } from '../images.js';
import { historyCharts } from '../line.js';
import { esc, figure, formatValue, inlineSvg, section, table } from './html.js';
import { typesetEquations } from './math.js';
import { misclassifiedBody } from './misclassified.js';
import { REPORT_CSS } from './style.js';
import type { ReportPageData } from './types.js';

const KEYS = [
  'title',
  'subtitle',
  'facts',
  'model',
  'metrics',
  'history',
  'classNames',
  'confusion',
  'weights',
  'misclassified',
  'equations',
  'landscape',
  'sharpness',
];

/** Nothing may load from anywhere: styles inline (the <style> element and style attributes) only. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function pairs(op: string, name: string, v: unknown): readonly (readonly [string, string | number])[] {
  if (
    !Array.isArray(v) ||
    !v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && (typeof p[1] === 'string' || typeof p[1] === 'number'))
  ) {
    throw new ArgumentError(`${op}: ${name} must be an array of [label, value] pairs (value a string or number)`);
  }
  return v as readonly (readonly [string, string | number])[];
}

function summarySection(op: string, d: ReportPageData): string {
  const parts: string[] = [];
  if (d.facts)
    parts.push(
      `<div class="facts">\n<h3>Run</h3>\n${table(
        ['', ''],
        pairs(op, 'facts', d.facts).map(([k, v]) => [k, v]),
        'facts',
      ).replace(/<thead>.*<\/thead>\n/, '')}\n</div>`,
    );
  if (d.metrics)
    parts.push(
      `<div class="metrics">\n<h3>Final metrics</h3>\n${table(
        ['metric', 'value'],
        pairs(op, 'metrics', d.metrics).map(([k, v]) => [k, formatValue(v)]),
        'numbers',
      )}\n</div>`,
    );
  if (d.model) {
    const m = d.model;
    if (!m || !Array.isArray(m.layers))
      throw new ArgumentError(`${op}: model must be { name, layers, totalParams, trainableParams } (modelTable(model) makes it)`);
    parts.push(
      [
        '<div class="model">',
        `<h3>Model “${esc(m.name)}”</h3>`,
        table(
          ['layer', 'type', 'output shape', 'parameters'],
          m.layers.map((l) => [l.name, l.type, l.outputShape, l.params]),
          'numbers',
        ),
        `<p class="note">${m.totalParams} parameters, ${m.trainableParams} trainable, ${m.totalParams - m.trainableParams} not trainable.</p>`,
        '</div>',
      ].join('\n'),
    );
  }
  return parts.length ? section('summary', 'Summary', [`<div class="row summary">\n${parts.join('\n')}\n</div>`]) : '';
}

/**
 * The run report as one self-contained HTML page (a string): a summary
 * (facts, final metrics, the model's layers), the training curves (each
 * metric with its validation twin, nb.viz.historyCharts), the confusion
 * matrix, the first layer's weights as images, the misclassified examples
 * with their probabilities, the model's equations typeset as MathML by KaTeX,
 * the loss landscape and the sharpness curve — each section only when its
 * data is given. Styles and pictures are inline (SVG), equations are MathML
 * (drawn by the browser itself), and a Content-Security-Policy forbids every
 * load: the page opens from disk with no server and no network. All text is
 * escaped; the output is deterministic (the same data gives the same page).
 *
 * Async because KaTeX is loaded on first use (it stays out of nabla's static
 * import graph).
 *
 * ```ts
 * const history = await model.fit(x, y, { epochs: 20, validationSplit: 0.2 });
 * const probs = model.predict(xTest);
 * const html = await nb.viz.reportPage({
 *   title: 'digits', model: nb.viz.modelTable(model), history: history.history,
 *   confusion: nb.metrics.confusionMatrix(yTest, nb.argmax(probs, 1), 10),
 *   misclassified: { ...nb.viz.findMisclassified(xTest, yTest.storage, probs), imageShape: [8, 8], pixelRange: [0, 1] },
 *   equations: [model.explain().latex()],
 * });
 * writeFileSync('report.html', html);
 * ```
 */
export async function reportPage(data: ReportPageData): Promise<string> {
  const op = 'reportPage';
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ArgumentError(`${op}: expected the report's data (an object), got ${describe(data)}`);
  for (const key of Object.keys(data)) if (!KEYS.includes(key)) throw new ArgumentError(`${op}: unknown field '${key}' (expected one of ${KEYS.join(', ')})`);
  const title = data.title ?? 'Training report';
  if (typeof title !== 'string') throw new ArgumentError(`${op}: title must be a string`);
  const classNames = data.classNames;
  if (classNames !== undefined && !(Array.isArray(classNames) && classNames.every((c) => typeof c === 'string'))) {
    throw new ArgumentError(`${op}: classNames must be an array of strings`);
  }
  const sections: { id: string; heading: string; html: string }[] = [];
  const add = (id: string, heading: string, body: readonly string[]) => sections.push({ id, heading, html: section(id, heading, body) });

  const summary = summarySection(op, data);
  if (summary) sections.push({ id: 'summary', heading: 'Summary', html: summary });
  if (data.history) {
    const charts = historyCharts(data.history, { width: 500, height: 320 });
    add('curves', 'Training curves', [
      '<p class="note">Solid: the training data; dashed: the validation data. One point per epoch.</p>',
      `<div class="row">\n${Object.values(charts)
        .filter((s): s is string => !!s)
        .map((s) => `<div>${figure(s)}</div>`)
        .join('\n')}\n</div>`,
    ]);
  }
  if (data.confusion) {
    add('confusion', 'Confusion matrix', [
      '<p class="note">Rows: the true class; columns: the predicted class. The diagonal holds the right answers.</p>',
      figure(confusionMatrixChart(data.confusion, { ...(classNames ? { labels: classNames } : {}), title: 'Confusion matrix (test data)' })),
    ]);
  }
  if (data.weights) {
    const w = data.weights;
    if (!w || typeof w !== 'object' || !('kernel' in w)) throw new ArgumentError(`${op}: weights must be { kernel, imageShape?, title? }`);
    add('weights', 'First-layer weights', [
      '<p class="note">Each image holds the weights into one unit (or one kernel) of the first layer, one per input pixel it sees: red positive, blue negative, white zero.</p>',
      figure(weightImages(w.kernel, { ...(w.imageShape ? { imageShape: w.imageShape } : {}), ...(w.title ? { title: w.title } : {}) })),
    ]);
  }
  if (data.misclassified) add('misclassified', 'Misclassified examples', misclassifiedBody(op, data.misclassified, classNames));
  if (data.equations) {
    const math = await typesetEquations(op, data.equations);
    if (math.length) {
      add('equations', 'Equations', [
        '<p class="note">The forward and backward pass of this model, with the shapes of every term.</p>',
        `<div class="equations">\n${math.map((m) => `<div class="equation">${m}</div>`).join('\n')}\n</div>`,
      ]);
    }
  }
  if (data.landscape !== undefined) {
    const pictures = typeof data.landscape === 'string' ? [data.landscape] : data.landscape;
    if (!Array.isArray(pictures)) throw new ArgumentError(`${op}: landscape must be an SVG document or an array of them`);
    add('landscape', 'Loss landscape', [
      '<p class="note">The loss around the trained weights, on a plane through parameter space, with the training path.</p>',
      ...pictures.map((svg, i) => figure(inlineSvg(op, pictures.length > 1 ? `landscape[${i}]` : 'landscape', svg))),
    ]);
  }
  if (data.sharpness !== undefined) {
    add('sharpness', 'Sharpness', [
      '<p class="note">The largest eigenvalue of the loss\'s Hessian during training, against 2/η: gradient descent is unstable above it.</p>',
      figure(inlineSvg(op, 'sharpness', data.sharpness)),
    ]);
  }

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}"/>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    '<meta name="generator" content="nabla"/>',
    `<title>${esc(title)}</title>`,
    `<style>\n${REPORT_CSS}\n</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${esc(title)}</h1>`,
    ...(data.subtitle !== undefined ? [`<p>${esc(String(data.subtitle))}</p>`] : []),
    '</header>',
    sections.length ? `<nav>${sections.map((s) => `<a href="#${s.id}">${esc(s.heading)}</a>`).join('')}</nav>` : '',
    '<main>',
    ...sections.map((s) => s.html),
    '</main>',
    '<footer>Written by nabla. This page is self-contained: it needs no network, no server and no script.</footer>',
    '</body>',
    '</html>',
    '',
  ]
    .filter((s) => s !== '')
    .join('\n');
}
