/**
 * The gradient-descent pictures of the "Mathematics of Neural Networks"
 * infographic (source [4] in the README): optimisers rolling down
 * a test surface (a contour map and a 3-D surface, animated), and one
 * optimiser with three learning rates (too small, about right, too large).
 */
import { ArgumentError } from '../../core/errors.js';
import { optionsObject } from '../../core/options.js';
import { contourChart } from '../contour.js';
import type { SurfacePath } from '../grid.js';
import { sideBySide } from '../layout.js';
import { lineChart } from '../line.js';
import { surfaceChart } from '../surface.js';
import { formatNumber } from '../svg.js';
import { descentPaths, resolveSurface, surfaceGrid, type DescentPath, type DescentPathsOptions } from './paths.js';
import type { OptimizerName, TestSurface } from './surfaces.js';

/** Options of descentChart: those of descentPaths, or the paths themselves, and how to draw. */
export interface DescentChartOptions extends DescentPathsOptions {
  /** Paths already computed by descentPaths (then optimizers, start, steps and learningRates are not used). */
  paths?: DescentPath[];
  /** A ball rolling along each path (default true). */
  animate?: boolean;
  /** Grid points along each axis for the map (default 81). */
  resolution?: number;
  /** Pixels, each picture (default 640 × 520). */
  width?: number;
  height?: number;
  /** The 3-D view (degrees; default: the surface's view, else −35 and 35). */
  azimuth?: number;
  elevation?: number;
}

/** The two pictures of descentChart, and the paths drawn. */
export interface DescentCharts {
  /** The contour map with the paths (SVG). */
  contour: string;
  /** The 3-D surface with the paths as a ball's track (SVG). */
  surface: string;
  paths: DescentPath[];
}

/** A title: the surface's name and, when short enough, its formula. */
function surfaceTitle(s: TestSurface, what: string): string {
  const name = s.name.charAt(0).toUpperCase() + s.name.slice(1);
  return s.formula.length <= 48 ? `${what}: ${name}, ${s.formula}` : `${what}: ${name}`;
}

/**
 * A descent path as a SurfacePath (its losses as heights). A path that
 * diverged (left the domain for good) is cut after its first point outside
 * the domain: the picture shows it leaving, not its later jumps across the
 * plot.
 */
function asSurfacePath(p: DescentPath, s: TestSurface, color?: string): SurfacePath {
  let n = p.points.length;
  if (leftDomain(p, s)) {
    const out = p.points.findIndex(([x, y]) => !(x >= s.domain.x[0] && x <= s.domain.x[1] && y >= s.domain.y[0] && y <= s.domain.y[1]));
    if (out >= 0) n = out + 1;
  }
  return { name: p.name, points: p.points.slice(0, n), z: p.losses.slice(0, n), ...(color ? { color } : {}) };
}

/**
 * Gradient descent on a test surface by several of nabla's optimisers from
 * one start (see descentPaths), drawn as a contour map and as a 3-D surface,
 * each path a track with a ball rolling along it (animated SVG, one step a
 * frame, all balls in step). The surface's minima are marked on the map.
 *
 * ```ts
 * const { contour, surface } = nb.viz.descentChart('ravine', { optimizers: ['sgd', 'momentum', 'adam'] });
 * writeFileSync('ravine.svg', contour);
 * ```
 */
export function descentChart(surface: string | TestSurface, options: DescentChartOptions = {}): DescentCharts {
  const op = 'descentChart';
  const s = resolveSurface(op, surface);
  const o = optionsObject(op, options, 'options { optimizers, start, steps, learningRates, paths, ... }') as DescentChartOptions;
  const { paths: given, animate, resolution, width, height, azimuth, elevation, ...run } = o;
  const paths = given ?? descentPaths(s, run);
  if (!Array.isArray(paths)) throw new ArgumentError(`${op}: paths must be an array made by descentPaths`);
  const grid = surfaceGrid(s, { resolution });
  const drawn = paths.map((p) => asSurfacePath(p, s));
  const markers = s.minima.map((point) => ({ name: s.minima.length === 1 ? 'minimum' : 'minima', point }));
  const common = { paths: drawn, logScale: s.logScale, animate: animate ?? true, width, height };
  return {
    contour: contourChart(grid, { ...common, title: surfaceTitle(s, 'Gradient descent'), markers }),
    surface: surfaceChart(grid, {
      ...common,
      title: surfaceTitle(s, 'Gradient descent'),
      azimuth: azimuth ?? s.view?.azimuth,
      elevation: elevation ?? s.view?.elevation,
    }),
    paths,
  };
}

/** Options of learningRatesChart. */
export interface LearningRatesChartOptions {
  /** Three learning rates: too small, about right, too large (default: the surface's). */
  rates?: [number, number, number];
  /** The optimiser (default 'sgd'). */
  optimizer?: OptimizerName;
  start?: [number, number];
  steps?: number;
  /** A ball rolling along each path (default true). */
  animate?: boolean;
  /** Pixels, the contour map (default 560 × 480; the loss curves beside it are as large). */
  width?: number;
  height?: number;
}

const RATE_COLORS = ['#1f77b4', '#2ca02c', '#d62728'] as const;
const RATE_WORDS = ['too small', 'about right', 'too large'] as const;

/** True if the path ends outside the surface's domain or was stopped as diverged. */
function leftDomain(p: DescentPath, s: TestSurface): boolean {
  const [x, y] = p.points.at(-1)!;
  return p.diverged || !(x >= s.domain.x[0] && x <= s.domain.x[1] && y >= s.domain.y[0] && y <= s.domain.y[1]);
}

/**
 * One optimiser (plain SGD by default) on a test surface with three
 * learning rates — too small (it crawls), about right, too large (it
 * overshoots and diverges) — as a contour map with the three paths (the
 * diverging one drawn until it leaves the plot, clipped at the edge and
 * labelled "diverged") beside
 * the loss of each step. Returns one SVG document.
 */
export function learningRatesChart(surface: string | TestSurface, options: LearningRatesChartOptions = {}): string {
  const op = 'learningRatesChart';
  const s = resolveSurface(op, surface);
  const o = optionsObject(op, options, 'options { rates, optimizer, start, steps, animate, width, height }') as LearningRatesChartOptions;
  const rates = o.rates ?? s.rates;
  if (!Array.isArray(rates) || rates.length !== 3 || !rates.every((r) => typeof r === 'number' && Number.isFinite(r) && r > 0)) {
    throw new ArgumentError(`${op}: rates must be three positive numbers [too small, about right, too large], got ${JSON.stringify(rates)}`);
  }
  const optimizer = o.optimizer ?? 'sgd';
  const paths = rates.map((r, k) => {
    const [p] = descentPaths(s, { optimizers: [optimizer], start: o.start, steps: o.steps, learningRates: r });
    return { ...p!, name: `η = ${formatNumber(r)} (${RATE_WORDS[k]})` };
  });
  const width = o.width ?? 560,
    height = o.height ?? 480;
  const grid = surfaceGrid(s);
  const markers = s.minima.map((point) => ({ name: s.minima.length === 1 ? 'minimum' : 'minima', point }));
  const contour = contourChart(grid, {
    title: `${optimizer}: three learning rates on ${s.name}`,
    paths: paths.map((p, k) => asSurfacePath(p, s, RATE_COLORS[k])),
    logScale: s.logScale,
    animate: o.animate ?? true,
    width,
    height,
    markers,
  });
  // the loss curves: log scale when every loss is positive; values far above the start (a diverging run) are cut off
  const finite = paths.flatMap((p) => p.losses.filter(Number.isFinite));
  const logY = finite.every((v) => v > 0);
  const startLoss = Math.max(...paths.map((p) => p.losses[0]!));
  const lowest = Math.min(...finite);
  const cap = logY ? startLoss * 100 : startLoss + (startLoss - lowest) * 0.5 + 1e-12;
  const floor = logY ? Math.max(lowest, startLoss * 1e-12) : -Infinity;
  const curves = lineChart({
    title: 'loss at each step',
    xLabel: 'step',
    yLabel: 'f(x, y)',
    logY,
    width,
    height,
    series: paths.map((p, k) => ({
      name: leftDomain(p, s) ? `${p.name}: diverged` : p.name,
      x: p.losses.map((_, i) => i),
      values: p.losses.map((v) => (v <= cap && v >= floor ? v : NaN)),
      color: RATE_COLORS[k],
    })),
  });
  return sideBySide([contour, curves], { title: `${optimizer} on ${s.name} with learning rates ${rates.map(formatNumber).join(', ')}` });
}
