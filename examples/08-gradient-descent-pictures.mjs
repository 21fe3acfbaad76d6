// The pictures of gradient descent in the "Mathematics of Neural Networks" infographic (source [4]
// in the README), computed by nabla: the tangent line moving
// along a curve with its slope (by nb.grad) and the slope's sign; a ball rolling down a cost
// surface for SGD, momentum, RMSprop and Adam from the same start (nabla's own optimisers), as a
// contour map and a 3-D surface; and the same surface with a learning rate too small, about right
// and too large. Writes tangent.svg, descent-contour.svg, descent-3d.svg and learning-rates.svg
// (animated: open them in a browser).
// Run: node examples/08-gradient-descent-pictures.mjs   (QUICK=1 for a smoke run that writes nothing)
import { writeFileSync } from 'node:fs';
import * as nb from 'nabla';

const out = (name) => (process.env.QUICK ? '/dev/null' : name);

// the tangent to f(x) = x² − 2: the slope is negative left of 0, zero at 0, positive right of it
const f = (x) => nb.sub(nb.square(x), 2);
for (const x of [-1.5, 0, 1.5]) {
  const slope = nb.grad(f)(nb.scalar(x)).item();
  console.log(`f'(${x}) = ${slope.toFixed(2)}: ${slope > 0 ? 'positive, f increases' : slope < 0 ? 'negative, f decreases' : 'zero, a flat point'}`);
}
writeFileSync(out('tangent.svg'), nb.viz.tangentChart(f, { from: -2, to: 2, formula: 'f(x) = x² − 2' }));

// four optimisers from one start on a surface with four minima: they do not all end in the same one
const surface = process.env.QUICK ? 'bowl' : 'himmelblau';
const { contour, surface: threeD, paths } = nb.viz.descentChart(surface);
for (const p of paths)
  console.log(
    `${p.name.padEnd(22)} ends at (${p.points
      .at(-1)
      .map((v) => v.toFixed(2))
      .join(', ')}), f = ${p.losses.at(-1).toPrecision(3)}`,
  );
writeFileSync(out('descent-contour.svg'), contour);
writeFileSync(out('descent-3d.svg'), threeD);

// the learning rate: too small crawls, about right converges, too large diverges
writeFileSync(out('learning-rates.svg'), nb.viz.learningRatesChart('saddle'));
for (const lr of [0.02, 0.15, 1.05]) {
  const [run] = nb.viz.descentPaths('saddle', { optimizers: ['sgd'], learningRates: { sgd: lr }, steps: 40 });
  console.log(`SGD with η = ${lr}: ${run.diverged ? 'diverged' : `f = ${run.losses.at(-1).toFixed(3)} after ${run.losses.length - 1} steps`}`);
}
