// The report page in a real browser (Debian's Chromium, driven by
// playwright-core): opened from disk, it loads nothing, logs no error, draws
// its equations as native MathML and its charts as SVG, and fits the window.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import * as nb from '../../src/index.js';
import { findMisclassified, lineChart, modelTable, reportPage } from '../../src/viz/index.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const EQUATIONS = [
  String.raw`A^{[1]} = \operatorname{relu}(Z^{[1]})`,
  String.raw`dW^{[2]} = \frac{1}{m}\, A^{[1]\top} dZ^{[2]}`,
  String.raw`J = -\frac{1}{m} \sum_{i=1}^{m} \sum_k Y_{ik} \log A^{[2]}_{ik}`,
  // an aligned block, as model.explain().latex() writes
  String.raw`\begin{aligned}
A_{1} &= X && A_{1} \in \mathbb{R}^{64 \times m} \\
\mathrm{d}W_{22} &= \frac{1}{m}\,\mathrm{d}Z_{22} \cdot A_{1}^{\top} && \mathrm{d}W_{22} \in \mathbb{R}^{16 \times 64} \\
\end{aligned}`,
];

async function page(): Promise<string> {
  nb.seed(5);
  const d = nb.data.loadDigits();
  const s = nb.data.trainTestSplit(d.x, d.labels, { testSize: 0.2, seed: 5, stratify: d.labels });
  const model = nb.sequential([nb.layers.dense({ units: 16, activation: 'relu', inputShape: [64] }), nb.layers.dense({ units: 10, activation: 'softmax' })], {
    name: 'digits',
  });
  model.compile({ optimizer: nb.optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(s.xTrain, nb.oneHot(s.yTrain, 10), { epochs: 3, batchSize: 64, validationSplit: 0.2, verbose: 0 });
  const probs = model.predict(s.xTest);
  return reportPage({
    title: 'digits',
    facts: [['data set', 'digits']],
    model: modelTable(model),
    history: history.history,
    confusion: nb.metrics.confusionMatrix(Array.from(s.yTest.storage), Array.from(nb.argmax(probs, 1).storage), 10),
    weights: { kernel: model.layers[0]!.getWeights()[0]!, imageShape: [8, 8] },
    misclassified: { ...findMisclassified(s.xTest, s.yTest.storage, probs), imageShape: [8, 8], pixelRange: [0, 1] },
    equations: EQUATIONS,
    landscape: lineChart({ series: [{ name: 'a', values: [3, 1, 2] }], title: 'Landscape' }),
    sharpness: lineChart({ series: [{ name: 'b', values: [1, 2, 4] }], title: 'Sharpness' }),
  });
}

test('the report page renders in headless Chromium from disk: MathML math, SVG charts, no request, no console error', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `this test needs Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM)`);
  const file = join(mkdtempSync(join(tmpdir(), 'nabla-report-')), 'report.html');
  writeFileSync(file, await page());
  const url = pathToFileURL(file).href;
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [],
      requests: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    tab.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await tab.goto(url, { waitUntil: 'load' });
    const seen = await tab.evaluate(() => {
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { w: r.width, h: r.height };
      };
      const maths = Array.from(document.querySelectorAll('math'));
      return {
        maths: maths.map((m) => ({ kind: m.constructor.name, ...box(m), display: getComputedStyle(m).display })),
        fractions: Array.from(document.querySelectorAll('mfrac')).map((f) => box(f)),
        numerators: Array.from(document.querySelectorAll('mfrac > :first-child')).map((e) => e.getBoundingClientRect().bottom),
        denominators: Array.from(document.querySelectorAll('mfrac > :last-child')).map((e) => e.getBoundingClientRect().top),
        svgs: Array.from(document.querySelectorAll('svg')).map((s) => ({ kind: s.constructor.name, ...box(s) })),
        sections: Array.from(document.querySelectorAll('section')).map((s) => s.id),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        // the aligned block: where each row's lhs ends and its "=" begins
        aligned: Array.from(document.querySelectorAll('mtable > mtr')).map((tr) => {
          const lhs = tr.children[0]!.querySelectorAll('mi, mn'),
            eq = tr.children[1]!.querySelector('mo')!;
          return { lhsRight: lhs[lhs.length - 1]!.getBoundingClientRect().right, eqLeft: eq.getBoundingClientRect().left };
        }),
      };
    });
    assert.deepEqual(requests, [], 'the page requests nothing');
    assert.deepEqual(problems, [], 'no console error or warning');
    assert.deepEqual(seen.sections, ['summary', 'curves', 'confusion', 'weights', 'misclassified', 'equations', 'landscape', 'sharpness']);
    assert.equal(seen.maths.length, EQUATIONS.length);
    for (const m of seen.maths) {
      assert.equal(m.kind, 'MathMLElement', 'the browser parses the equations as MathML');
      assert.equal(m.display, 'block math', "laid out by the browser's MathML engine");
      assert.ok(m.w > 20 && m.h > 10, `an equation is drawn (${m.w}×${m.h})`);
    }
    // typeset, not flattened to text: each fraction's numerator sits above its denominator
    assert.equal(seen.fractions.length, 3);
    // the aligned block's "=" signs line up, and so do the ends of the left-hand sides (of different widths)
    assert.equal(seen.aligned.length, 2);
    assert.ok(Math.abs(seen.aligned[0]!.eqLeft - seen.aligned[1]!.eqLeft) < 1, `= aligned: ${JSON.stringify(seen.aligned)}`);
    assert.ok(Math.abs(seen.aligned[0]!.lhsRight - seen.aligned[1]!.lhsRight) < 1, `left-hand sides right-aligned: ${JSON.stringify(seen.aligned)}`);
    seen.numerators.forEach((bottom, k) => assert.ok(bottom <= seen.denominators[k]! + 0.5, `fraction ${k}: numerator above denominator`));
    assert.ok(seen.maths[2]!.h > seen.maths[0]!.h * 1.5, 'the equation with a sum and a fraction is taller than a one-line equation');
    assert.ok(seen.svgs.length >= 8);
    for (const s of seen.svgs) assert.ok(s.kind === 'SVGSVGElement' && s.w > 10 && s.h > 10, `an inline SVG is drawn (${s.w}×${s.h})`);
    assert.ok(seen.overflow <= 0, `the page fits the window's width (overflow ${seen.overflow} px)`);
  } finally {
    await browser.close();
  }
});
