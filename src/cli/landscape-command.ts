// `nabla landscape RUN`: the loss landscape of a run's saved model, drawn
// again into the run folder (landscape.svg, landscape-3d.svg): on the plane
// of its training path (landscape.json, written by `nabla train`), or along
// filter-normalised random directions or the top two Hessian eigenvectors.
import * as nb from '../index.js';
import { loadForModel } from './datasets.js';
import { CliError } from './errors.js';
import { landscapePictures, readSavedLandscape } from './landscape.js';
import { fsSync, writeFileAtomic } from './run-folder.js';
import { fitToModel, legacyScaler, metadataOf, openModel } from './use-model.js';

export interface LandscapeCommandOptions {
  directions?: string;
  resolution?: string;
  range?: string;
  samples?: string;
  data?: string;
  dataDir?: string;
}

const whole = (name: string, v: string | undefined, dflt: number, min: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`landscape: --${name} must be a whole number ≥ ${min}, got ${v}`);
  return n;
};

/** `nabla landscape RUN [--directions path|random|hessian] [--resolution N] [--range R] [--samples N]`. */
export async function landscapeCommand(run: string, o: LandscapeCommandOptions): Promise<void> {
  const fs = fsSync();
  if (!fs.existsSync(run) || !fs.statSync(run).isDirectory()) throw new CliError(`landscape: ${run} is not a run folder (nabla train --out writes one)`);
  const model = await openModel(`${run}/model.nabla`);
  const savedFile = `${run}/landscape.json`;
  const hasPath = fs.existsSync(savedFile);
  const directions = o.directions ?? (hasPath ? 'path' : 'random');
  if (!['path', 'random', 'hessian'].includes(directions)) throw new CliError(`landscape: --directions must be path, random or hessian, got ${directions}`);
  if (directions === 'path' && !hasPath)
    throw new CliError(
      `landscape: ${run} has no landscape.json (the plane of its training path): use --directions random or hessian, or train again with this nabla`,
    );
  const resolution = whole('resolution', o.resolution, 25, 2);
  const samples = whole('samples', o.samples, 500, 1);
  let range: number | undefined;
  if (o.range !== undefined) {
    range = Number(o.range);
    if (!(range > 0) || !Number.isFinite(range)) throw new CliError(`landscape: --range must be a number > 0, got ${o.range}`);
  }
  // the data: the run's own data set (report.json), or --data
  let data = o.data;
  if (data === undefined) {
    try {
      data = (JSON.parse(fs.readFileSync(`${run}/report.json`, 'utf8')) as { dataset?: string }).dataset;
    } catch {
      data = undefined;
    }
    if (typeof data !== 'string') throw new CliError(`landscape: ${run}/report.json does not say which data the run used: give --data`);
  }
  const meta = metadataOf(model);
  const set = loadForModel(data, meta, { dataDir: o.dataDir });
  const scaler = legacyScaler(model, `${run}/model.nabla`);
  const x = fitToModel(model, scaler ? scaler.transform(set.x) : set.x, data);
  const k = model.predict(nb.slice(x, [0], [1])).shape[1]!;
  const y = set.task === 'regression' ? nb.reshape(set.y, [-1, 1]) : nb.oneHot(set.y, k);
  let l: nb.Landscape;
  let path: nb.viz.SurfacePath | null = null;
  if (directions === 'path') {
    const { saved, directions: dirs } = readSavedLandscape(fs.readFileSync(savedFile, 'utf8'), savedFile, model);
    const a = saved.path.alphas,
      b = saved.path.betas;
    const span = (v: number[]) => {
      const lo = Math.min(0, ...v),
        hi = Math.max(0, ...v),
        pad = 0.15 * (hi - lo || 1);
      return [lo - pad, hi + pad] as [number, number];
    };
    const [alo, ahi] = range ? [-range, range] : span(a);
    const [blo, bhi] = range ? [-range, range] : span(b);
    const axis = (lo: number, hi: number) => Array.from({ length: resolution }, (_, i) => lo + ((hi - lo) * i) / (resolution - 1));
    l = nb.landscape(model, x, y, { directions: dirs, alphas: axis(alo, ahi), betas: axis(blo, bhi), samples });
    path = { name: 'training path', points: a.map((v, i): [number, number] => [v, b[i]!]) };
  } else {
    l = nb.landscape(model, x, y, { directions: directions as 'random' | 'hessian', resolution, samples, ...(range ? { range } : {}) });
  }
  const title = `Loss landscape of ${model.name} (${directions === 'path' ? 'the plane of its training path' : directions === 'random' ? 'filter-normalised random directions' : 'the top two Hessian eigenvectors'})`;
  const pictures = landscapePictures(l, path, title);
  writeFileAtomic(`${run}/landscape.svg`, pictures.contour);
  writeFileAtomic(`${run}/landscape-3d.svg`, pictures.surface);
  console.log(
    `${run}/landscape.svg and ${run}/landscape-3d.svg: J at θ* = ${l.center.toPrecision(4)}, from ${Math.min(...l.loss.flat()).toPrecision(4)} to ${Math.max(...l.loss.flat()).toPrecision(4)} on the grid (${resolution}×${resolution}, ${directions}${path ? ', with the training path' : ''})`,
  );
}
