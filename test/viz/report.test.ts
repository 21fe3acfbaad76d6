import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { findMisclassified, lineChart, modelTable, reportPage, type ReportPageData } from '../../src/viz/index.js';
import { styledChar, unicodeMathVariants } from '../../src/viz/report/mathvariant.js';
import { checkSelfContained, parsePage, sectionById, sectionsOf, textOf } from './report-check.js';
import { descendants, select, within, type XmlElement } from './xml.js';

const EPOCHS = 3;
const CLASS_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'n<i>ne & "9"'];
const EQUATIONS = [
  String.raw`Z^{[1]} = X W^{[1]} + b^{[1]} \qquad X\,(m, 64)\; W^{[1]}\,(64, 8)`,
  String.raw`A^{[1]} = \operatorname{relu}(Z^{[1]})`,
  String.raw`J = -\frac{1}{m} \sum_{i=1}^{m} \sum_k Y_{ik} \log A^{[2]}_{ik}`,
];

/** A small digits classifier trained for a few epochs, its test data and outputs. */
async function trained() {
  nb.seed(3);
  const d = nb.data.loadDigits();
  const s = nb.data.trainTestSplit(d.x, d.labels, { testSize: 0.2, seed: 3, stratify: d.labels });
  const model = nb.sequential(
    [nb.layers.dense({ units: 8, activation: 'relu', inputShape: [64], name: 'hidden' }), nb.layers.dense({ units: 10, activation: 'softmax', name: 'out' })],
    { name: 'digits <small> "mlp"' },
  );
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(s.xTrain, nb.oneHot(s.yTrain, 10), { epochs: EPOCHS, batchSize: 64, validationSplit: 0.2, verbose: 0 });
  const probs = model.predict(s.xTest);
  return { model, history, xTest: s.xTest, yTest: s.yTest, probs };
}

let cached: Awaited<ReturnType<typeof trained>> | null = null;
async function run() {
  cached ??= await trained();
  return cached;
}

async function fullData(): Promise<ReportPageData> {
  const { model, history, xTest, yTest, probs } = await run();
  const predicted = Array.from(nb.argmax(probs, 1).storage);
  return {
    title: 'Run <digits> & "friends"',
    subtitle: 'completed',
    facts: [
      ['data set', 'digits'],
      ['training time', '1.0 s'],
    ],
    metrics: [
      ['test accuracy', 0.912345678],
      ['note', '<b>bold?</b>'],
    ],
    model: modelTable(model),
    history: history.history,
    classNames: CLASS_NAMES,
    confusion: nb.metrics.confusionMatrix(Array.from(yTest.storage), predicted, 10),
    weights: { kernel: model.layers[0]!.getWeights()[0]!, imageShape: [8, 8], title: 'First layer' },
    misclassified: { ...findMisclassified(xTest, yTest.storage, probs, { limit: 1000 }), imageShape: [8, 8], pixelRange: [0, 1] },
    equations: EQUATIONS,
    landscape: lineChart({ series: [{ name: 'landscape', values: [3, 1, 2] }], title: 'A landscape' }),
    sharpness: lineChart({ series: [{ name: 'sharpness', values: [1, 2, 4] }], title: 'Sharpness' }),
  };
}

const ALL_SECTIONS = ['summary', 'curves', 'confusion', 'weights', 'misclassified', 'equations', 'landscape', 'sharpness'];

test('reportPage: a well-formed, self-contained page with every section, in order, and a navigation to them', async () => {
  const html = await reportPage(await fullData());
  const root = parsePage(html);
  checkSelfContained(html, root);
  const { ids, nav } = sectionsOf(root);
  assert.deepEqual(ids, ALL_SECTIONS);
  assert.deepEqual(nav, ALL_SECTIONS);
  // deterministic: the same data gives the same page
  assert.equal(await reportPage(await fullData()), html);
});

test('reportPage: all text is escaped (model, class names, title, metrics)', async () => {
  const html = await reportPage(await fullData());
  const root = parsePage(html);
  assert.doesNotMatch(html, /<i>|<b>|<small>|<digits>/);
  assert.equal(select(root, 'title')[0]!.text, 'Run <digits> & "friends"');
  assert.equal(select(root, 'h1')[0]!.text, 'Run <digits> & "friends"');
  assert.ok(textOf(sectionById(root, 'summary')).includes('digits <small> "mlp"'));
  assert.ok(textOf(sectionById(root, 'summary')).includes('<b>bold?</b>'));
  const confusionLabels = within(sectionById(root, 'confusion'), 'labels', 'text').map((t) => t.text);
  assert.ok(confusionLabels.includes('n<i>ne & "9"'));
});

test('reportPage: the summary holds the facts, the metrics (4 significant digits) and the model table of model.summary()', async () => {
  const { model } = await run();
  const root = parsePage(await reportPage(await fullData()));
  const tables = select(sectionById(root, 'summary'), 'table');
  const rows = (t: XmlElement) => select(t, 'tr').map((r) => r.children.map(textOf));
  assert.deepEqual(rows(tables[0]!), [
    ['data set', 'digits'],
    ['training time', '1.0 s'],
  ]);
  assert.deepEqual(rows(tables[1]!).slice(1), [
    ['test accuracy', '0.9123'],
    ['note', '<b>bold?</b>'],
  ]);
  const layers = rows(tables[2]!);
  assert.deepEqual(layers[0], ['layer', 'type', 'output shape', 'parameters']);
  assert.deepEqual(layers.slice(1), [
    ['hidden', 'Dense', '[null,8]', '520'],
    ['out', 'Dense', '[null,10]', '90'],
  ]);
  // the same numbers model.summary() prints
  const printed = model.summary(null);
  assert.match(printed, /hidden \(Dense\)\s+\[null,8\]\s+520/);
  const table = modelTable(model);
  assert.equal(`Total params: ${table.totalParams}`, /Total params: \d+/.exec(printed)![0]);
  assert.equal(`Trainable params: ${table.trainableParams}`, /Trainable params: \d+/.exec(printed)![0]);
});

test('reportPage: the training curves have one point per epoch, at the logged values', async () => {
  const { history } = await run();
  const root = parsePage(await reportPage(await fullData()));
  const curves = sectionById(root, 'curves');
  const paths = select(curves, 'path', 'series');
  assert.deepEqual(paths.map((p) => p.attrs['data-name']).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  for (const p of paths) {
    const points = [...p.attrs.d!.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.equal(points.length, EPOCHS, `${p.attrs['data-name']} has one point per epoch`);
    // heights follow the values: a larger value is higher up (a smaller y)
    const values = history.history[p.attrs['data-name']!]!;
    for (let i = 1; i < EPOCHS; i++) {
      if (values[i] !== values[i - 1]) assert.equal(Math.sign(points[i - 1]![1]! - points[i]![1]!), Math.sign(values[i]! - values[i - 1]!));
    }
  }
});

test('reportPage: the confusion matrix, the weights and the misclassified examples show the real data', async () => {
  const { xTest, yTest, probs } = await run();
  const data = await fullData();
  const root = parsePage(await reportPage(data));
  // confusion: one cell per pair of classes, annotated with the counts row by row, labelled with the class names
  const confusion = sectionById(root, 'confusion');
  assert.equal(select(confusion, 'rect', 'cell').length, 100);
  assert.deepEqual(
    within(confusion, 'cells', 'text').map((t) => Number(t.text)),
    data.confusion!.flat(),
  );
  // weights: one tile per unit of the first layer
  assert.equal(select(sectionById(root, 'weights'), 'g', 'tile').length, 8);
  // misclassified: exactly the test examples whose argmax differs from the label
  const predicted = nb.argmax(probs, 1).storage,
    labels = yTest.storage;
  const wrong = Array.from(labels, (_, i) => i).filter((i) => predicted[i] !== labels[i]);
  assert.ok(wrong.length > 0, 'a 3-epoch model makes mistakes');
  const cards = descendants(sectionById(root, 'misclassified')).filter((e) => e.attrs.class === 'card');
  assert.deepEqual(
    cards.map((c) => Number(c.attrs['data-index'])).sort((a, b) => a - b),
    wrong,
  );
  assert.match(textOf(sectionById(root, 'misclassified')), new RegExp(`${wrong.length} of ${labels.length} test examples are misclassified`));
  // each card: an 8×8 image of its input, its true and predicted class by name, and the top 3 probabilities
  const n = xTest.shape[1]!;
  for (const card of cards.slice(0, 5)) {
    const i = Number(card.attrs['data-index']);
    const text = textOf(card);
    assert.ok(text.includes(`true ${CLASS_NAMES[labels[i]!]}`) && text.includes(`predicted ${CLASS_NAMES[predicted[i]!]}`), text);
    const svg = select(card, 'svg')[0]!;
    const dark = select(svg, 'rect').filter((r) => /^#[0-9a-f]{6}$/.test(r.attrs.fill ?? '') && r.attrs.fill !== '#ffffff');
    const inked = Array.from({ length: n }, (_, j) => xTest.storage[i * n + j]!).filter((v) => v > 0).length;
    assert.ok(dark.length > 0 && dark.length <= inked, 'the drawn pixels are the inked ones (runs merged)');
    const p = Array.from({ length: 10 }, (_, c) => probs.storage[i * 10 + c]!);
    const top = p
      .map((v, c) => [v, c] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, 3);
    const values = descendants(card)
      .filter((e) => e.attrs.class === 'value')
      .map((e) => e.text);
    assert.deepEqual(
      values,
      top.map(([v]) => `${(100 * v).toFixed(1)}%`),
    );
  }
});

test('reportPage: the equations are MathML typeset from the LaTeX given, which each keeps as its annotation', async () => {
  const root = parsePage(await reportPage(await fullData()));
  const eq = sectionById(root, 'equations');
  const maths = select(eq, 'math');
  assert.equal(maths.length, EQUATIONS.length);
  for (const m of maths) {
    assert.equal(m.attrs.xmlns, 'http://www.w3.org/1998/Math/MathML');
    assert.equal(m.attrs.display, 'block');
    assert.ok(select(m, 'mi').length > 0);
  }
  assert.deepEqual(
    select(eq, 'annotation').map((a) => a.text),
    EQUATIONS,
  );
  assert.ok(select(maths[2]!, 'mfrac').length === 1 && select(maths[2]!, 'munderover').length === 1, 'the fraction and the sum are typeset');
});

test('reportPage: the landscape and sharpness SVGs are inlined as given; absent data leaves its section out', async () => {
  const data = await fullData();
  const html = await reportPage(data);
  assert.ok(html.includes((data.landscape as string).trim()) && html.includes(data.sharpness!.trim()));
  for (const drop of ALL_SECTIONS) {
    const key = (
      {
        summary: null,
        curves: 'history',
        confusion: 'confusion',
        weights: 'weights',
        misclassified: 'misclassified',
        equations: 'equations',
        landscape: 'landscape',
        sharpness: 'sharpness',
      } as const
    )[drop];
    if (!key) continue;
    const partial = { ...data };
    delete partial[key];
    const { ids, nav } = sectionsOf(parsePage(await reportPage(partial)));
    assert.deepEqual(
      ids,
      ALL_SECTIONS.filter((s) => s !== drop),
    );
    assert.deepEqual(nav, ids);
  }
  const empty = await reportPage({});
  const root = parsePage(empty);
  checkSelfContained(empty, root);
  assert.deepEqual(sectionsOf(root).ids, []);
  assert.equal(select(root, 'title')[0]!.text, 'Training report');
});

test('reportPage: inputs that are not images are a table of feature values with the feature names', async () => {
  const x = new nb.Tensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), [4, 2]);
  const probs = new nb.Tensor(new Float32Array([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]), [4, 2]);
  const found = findMisclassified(x, [0, 0, 1, 1], probs);
  assert.deepEqual(
    found.examples.map((e) => e.index),
    [1, 2],
    'rows 1 and 2 are wrong; row 1 (0.8) is the more confident mistake',
  );
  const html = await reportPage({ classNames: ['no', 'yes'], misclassified: { ...found, featureNames: ['petal <width>', 'x'] } });
  const root = parsePage(html);
  const rows = select(sectionById(root, 'misclassified'), 'tr').map((r) => r.children.map(textOf));
  assert.deepEqual(rows[0], ['test example', 'true', 'predicted', 'probabilities', 'petal <width>', 'x']);
  assert.deepEqual(
    rows.slice(1).map((r) => [r[0], r[1], r[2], r[4], r[5]]),
    [
      ['1', 'no', 'yes', '3', '4'],
      ['2', 'yes', 'no', '5', '6'],
    ],
  );
  assert.equal(rows[1]![3], 'yes 80.0%no 20.0%');
});

test('findMisclassified: the first maximum is the prediction; the most confident mistakes first; limit keeps the count', () => {
  const x = { shape: [5, 1], storage: [0, 1, 2, 3, 4] };
  const probs = { shape: [5, 3], storage: [0.4, 0.4, 0.2, 0.1, 0.2, 0.7, 0.5, 0.3, 0.2, 0.1, 0.6, 0.3, 0.3, 0.3, 0.4] };
  const labels = [1, 2, 1, 1, 2];
  const r = findMisclassified(x, labels, probs, { limit: 2 });
  // row 0: tie 0.4/0.4 → class 0 (wrong); row 1 right; row 2 → 0 (0.5, wrong); row 3 → 1 right; row 4 → 2 right
  assert.deepEqual([r.total, r.wrong], [5, 2]);
  assert.deepEqual(
    r.examples.map((e) => [e.index, e.label, e.predicted]),
    [
      [2, 1, 0],
      [0, 1, 0],
    ],
  );
  assert.deepEqual(r.examples[0]!.input, [2]);
  assert.deepEqual(
    findMisclassified(x, labels, probs, { limit: 1 }).examples.map((e) => e.index),
    [2],
  );
  assert.throws(() => findMisclassified(x, [1, 2], probs), ShapeError);
  assert.throws(() => findMisclassified(x, labels, { shape: [15], storage: probs.storage }), ShapeError);
  assert.throws(() => findMisclassified(x, labels, probs, { limit: -1 }), ArgumentError);
});

test('reportPage: clear errors for bad data', async () => {
  await assert.rejects(reportPage(null as never), ArgumentError);
  await assert.rejects(reportPage({ equation: ['x'] } as never), /unknown field 'equation'/);
  await assert.rejects(reportPage({ equations: ['x', String.raw`\frac{1}{`] }), (e: Error) => e instanceof ArgumentError && /equations\[1\]/.test(e.message));
  // KaTeX's trust option is off: \href is drawn as red text, never as a link
  const linked = await reportPage({ equations: [String.raw`\href{https://example.com}{x}`] });
  assert.doesNotMatch(linked.replace(/<annotation[^>]*>[^<]*<\/annotation>/g, ''), /example\.com|href="(?!#)/);
  await assert.rejects(reportPage({ landscape: 'not svg' }), /landscape must be an SVG document/);
  await assert.rejects(reportPage({ sharpness: '<svg><script>alert(1)</script></svg>' }), /script/);
  await assert.rejects(reportPage({ landscape: '<svg><image href="https://example.com/x.png"/></svg>' }), /outside itself/);
  await assert.rejects(reportPage({ facts: [['a']] as never }), /facts must be an array of \[label, value\] pairs/);
  await assert.rejects(
    reportPage({
      confusion: [
        [1, 2],
        [3, 4],
      ],
      classNames: ['a'],
    }),
    ShapeError,
  );
  await assert.rejects(
    reportPage({
      misclassified: { examples: [{ index: 0, label: 0, predicted: 1, probabilities: [0.4, 0.6], input: [1, 2, 3] }], total: 1, wrong: 1, imageShape: [2, 2] },
    }),
    ShapeError,
  );
});

test('MathML variants become Unicode math letters (MathML Core draws mathvariant "normal" only)', async () => {
  assert.equal(styledChar('R', 'double-struck'), 'ℝ');
  assert.equal(styledChar('A', 'double-struck'), '𝔸');
  assert.equal(styledChar('x', 'bold'), '𝐱');
  assert.equal(styledChar('7', 'bold'), '𝟕');
  assert.equal(styledChar('L', 'script'), 'ℒ');
  assert.equal(styledChar('θ', 'bold-italic'), '𝜽');
  assert.equal(styledChar('+', 'bold'), '+');
  assert.equal(
    unicodeMathVariants('<mi mathvariant="double-struck">R</mi><mi mathvariant="normal">d</mi><mtext mathvariant="bold">a&amp;b</mtext>'),
    '<mi>ℝ</mi><mi mathvariant="normal">d</mi><mtext>𝐚&amp;𝐛</mtext>',
  );
  const root = parsePage(await reportPage({ equations: [String.raw`W \in \mathbb{R}^{64 \times m}, \mathbf{x}, \mathcal{L}`] }));
  const mis = select(sectionById(root, 'equations'), 'mi');
  assert.deepEqual(
    mis.filter((m) => m.attrs.mathvariant !== undefined && m.attrs.mathvariant !== 'normal'),
    [],
  );
  assert.deepEqual(
    ['ℝ', '𝐱', 'ℒ'].map((c) => mis.some((m) => m.text === c)),
    [true, true, true],
  );
});
