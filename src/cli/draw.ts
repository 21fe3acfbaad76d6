// `nabla draw`: the gradient-descent pictures of the "Mathematics of Neural Networks" infographic
// (source [4] in the README) as SVG files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../index.js';
import { CliError } from './errors.js';

/** What `nabla draw` draws. */
export const PICTURES = ['tangent', 'descent', 'learning-rates'] as const;

/** The options of `nabla draw` as commander gives them. */
export interface DrawOptions {
  surface: string;
  curve: string;
  out: string;
  optimizers?: string;
  steps?: string;
  rates?: string;
  animate: boolean;
}

function oneOf(flag: string, value: string, names: readonly string[]): string {
  if (!names.includes(value)) throw new CliError(`--${flag} must be one of ${names.join(', ')}, got '${value}'`);
  return value;
}

function positiveNumbers(flag: string, v: string, count?: number): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const ns = parts.map(Number);
  if (parts.some((s) => s === '') || ns.some((n) => !(Number.isFinite(n) && n > 0)) || (count !== undefined && ns.length !== count)) {
    throw new CliError(`--${flag} must be ${count ?? 'comma-separated'} positive numbers${count ? ', comma-separated' : ''}, got '${v}'`);
  }
  return ns;
}

/**
 * Draws one picture and writes its SVG file(s) into --out (created if
 * needed); prints the paths written. tangent: tangent-CURVE.svg; descent:
 * descent-SURFACE-contour.svg and descent-SURFACE-surface.svg;
 * learning-rates: learning-rates-SURFACE.svg.
 */
export function draw(picture: string, o: DrawOptions): void {
  if (!(PICTURES as readonly string[]).includes(picture)) throw new CliError(`draw: the picture must be one of ${PICTURES.join(', ')}, got '${picture}'`);
  const surfaceNames = Object.keys(nb.viz.surfaces);
  const surface = oneOf('surface', o.surface, surfaceNames);
  const files: [string, string][] = [];
  if (picture === 'tangent') {
    const name = oneOf('curve', o.curve, Object.keys(nb.viz.curves));
    const c = nb.viz.curves[name]!;
    files.push([`tangent-${name}.svg`, nb.viz.tangentChart(c.f, { from: c.from, to: c.to, formula: c.formula, animate: o.animate })]);
  } else if (picture === 'descent') {
    const optimizers = o.optimizers?.split(',').map((s) => s.trim());
    optimizers?.forEach((n) => oneOf('optimizers', n, ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adagrad']));
    const steps = o.steps === undefined ? undefined : positiveInteger('steps', o.steps);
    const { contour, surface: surface3d } = nb.viz.descentChart(surface, {
      optimizers: optimizers as nb.viz.OptimizerName[] | undefined,
      steps,
      animate: o.animate,
    });
    files.push([`descent-${surface}-contour.svg`, contour], [`descent-${surface}-surface.svg`, surface3d]);
  } else {
    const rates = o.rates === undefined ? undefined : (positiveNumbers('rates', o.rates, 3) as [number, number, number]);
    const steps = o.steps === undefined ? undefined : positiveInteger('steps', o.steps);
    files.push([`learning-rates-${surface}.svg`, nb.viz.learningRatesChart(surface, { rates, steps, animate: o.animate })]);
  }
  mkdirSync(o.out, { recursive: true });
  for (const [name, svg] of files) {
    const path = join(o.out, name);
    writeFileSync(path, svg);
    console.log(`wrote ${path}`);
  }
}

function positiveInteger(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 1) throw new CliError(`--${flag} must be a positive integer, got '${v}'`);
  return n;
}
