// The loss landscape of a `nabla train` run: the model's loss on the plane
// its training path lives in (the path's two principal directions, Li et al.
// 2018), with the path drawn on it, as a contour map and as a 3-D surface
// (landscape.svg, landscape-3d.svg), and the plane saved (landscape.json) so
// that `nabla landscape RUN` can draw it again at another resolution or
// range, or along random or Hessian directions.
import * as nb from '../index.js';
import { CliError } from './errors.js';

/** landscape.json: the plane of a run's training path and the path's coordinates on it. */
export interface SavedLandscape {
  version: 1;
  /** The trainable parameters' names and shapes, in the model's order. */
  names: string[];
  shapes: number[][];
  /** The plane's two directions: each the parameters' float32 values, little-endian, base64. */
  directions: [string, string];
  labels: [string, string];
  explained: [number, number] | null;
  /** The recorded training path on the plane: (α_t, β_t), the loss, and the epoch of each point. */
  path: { alphas: number[]; betas: number[]; loss: number[]; epochs: number[] };
}

/** The two pictures, drawn from a landscape and (when known) the training path on it. */
export function landscapePictures(l: nb.Landscape, path: nb.viz.SurfacePath | null, title: string): { contour: string; surface: string } {
  const grid = l.toGrid();
  const paths = path ? [path] : [];
  return {
    contour: nb.viz.contourChart(grid, { title, paths, animate: paths.length > 0 }),
    surface: nb.viz.surfaceChart(grid, { title, paths, animate: paths.length > 0 }),
  };
}

/**
 * The landscape of a run just trained, on the plane of its recorded path
 * (falling back to filter-normalised random directions when the path is too
 * short to span a plane), with the path projected on it.
 */
export function trainingLandscape(
  model: nb.Sequential,
  x: nb.Tensor,
  y: nb.Tensor,
  path: InstanceType<typeof nb.callbacks.ParameterPath>,
): { pictures: { contour: string; surface: string }; saved: SavedLandscape } {
  let plane: nb.Landscape;
  try {
    plane = nb.landscape(model, x, y, { directions: 'pca', path, samples: 256, resolution: 21 });
  } catch {
    plane = nb.landscape(model, x, y, { samples: 256, resolution: 21, seed: 0 });
  }
  const track = nb.projectPath(path, plane);
  const chartPath = track.toPath('training path');
  const f = nb.modelLoss(model);
  const params = f.params();
  const saved: SavedLandscape = {
    version: 1,
    names: [...f.names],
    shapes: f.names.map((k) => [...params[k]!.shape]),
    directions: [0, 1].map((i) => encodeNamed(f.names, plane.directions[i]!)) as [string, string],
    labels: [...plane.labels] as [string, string],
    explained: plane.explained ? [plane.explained[0]!, plane.explained[1]!] : null,
    path: { alphas: [...track.alphas], betas: [...track.betas], loss: [...track.loss], epochs: [...path.epochs] },
  };
  return { pictures: landscapePictures(plane, chartPath, `Loss landscape of ${model.name} with its training path`), saved };
}

/** Named tensors as one base64 float32 vector in `names` order. */
function encodeNamed(names: readonly string[], d: Readonly<Record<string, nb.Tensor>>): string {
  const parts = names.map((k) => Float32Array.from(d[k]!.storage as ArrayLike<number>));
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString('base64');
}

/** landscape.json read back and checked against the model: directions as tensors by the model's parameter names. */
export function readSavedLandscape(
  text: string,
  file: string,
  model: nb.Sequential,
): { saved: SavedLandscape; directions: [Record<string, nb.Tensor>, Record<string, nb.Tensor>] } {
  let j: SavedLandscape;
  try {
    j = JSON.parse(text) as SavedLandscape;
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const bad = (what: string) => new CliError(`${file} is not a landscape nabla wrote: ${what}`);
  if (j === null || typeof j !== 'object' || j.version !== 1) throw bad('no version 1');
  const f = nb.modelLoss(model);
  const params = f.params();
  if (!Array.isArray(j.shapes) || j.shapes.length !== f.names.length)
    throw bad(`it has ${Array.isArray(j.shapes) ? j.shapes.length : 'no'} parameter shapes, the model ${f.names.length}`);
  const sizes = f.names.map((k, i) => {
    const want = params[k]!.shape;
    const got = j.shapes[i];
    if (!Array.isArray(got) || got.length !== want.length || got.some((d, a) => d !== want[a]))
      throw bad(`parameter ${i} (${k}) has shape ${JSON.stringify(got)} there, [${want.join(',')}] in the model`);
    return want.reduce((a, b) => a * b, 1);
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  if (!Array.isArray(j.directions) || j.directions.length !== 2) throw bad('it does not hold two directions');
  const directions = j.directions.map((b64, n) => {
    if (typeof b64 !== 'string') throw bad(`direction ${n + 1} is not a string`);
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length !== total * 4) throw bad(`direction ${n + 1} holds ${bytes.length} bytes, the model's ${total} parameters need ${total * 4}`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    if (!all.every(Number.isFinite)) throw bad(`direction ${n + 1} holds a non-finite number`);
    const out: Record<string, nb.Tensor> = {};
    let at = 0;
    f.names.forEach((k, i) => {
      out[k] = nb.tensor(Array.from(all.subarray(at, at + sizes[i]!)), params[k]!.shape);
      at += sizes[i]!;
    });
    return out;
  }) as [Record<string, nb.Tensor>, Record<string, nb.Tensor>];
  const p = j.path;
  const numbers = (a: unknown) => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!p || !numbers(p.alphas) || !numbers(p.betas) || p.alphas.length !== p.betas.length) throw bad('its path is not two equal-length lists of numbers');
  return { saved: j, directions };
}
