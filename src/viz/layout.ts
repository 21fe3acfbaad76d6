import { ArgumentError } from '../core/errors.js';
import { svgDocument } from './svg.js';

/** The width and height of a chart made by nb.viz (from its root element). */
function sizeOf(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]),
    height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  if (!(width > 0 && height > 0)) throw new ArgumentError('sideBySide: each chart must be an <svg> with width and height attributes, as nb.viz makes them');
  return { width, height };
}

/**
 * Several charts in one SVG document, left to right (for instance PCA's 2-D
 * projection beside an autoencoder's code), each keeping its own size.
 */
export function sideBySide(charts: readonly string[], opts: { title?: string; gap?: number } = {}): string {
  if (charts.length === 0) throw new ArgumentError('sideBySide: needs at least one chart');
  const gap = opts.gap ?? 16;
  const sizes = charts.map(sizeOf);
  let x = 0;
  const body = charts.map((svg, i) => {
    // nest each chart as an inner <svg> placed at its x offset (drop the XML namespace attribute, inherited)
    const inner = svg.replace(/<\?xml[^>]*>\s*/, '').replace(/<svg\b/, `<svg x="${x}" y="0"`);
    x += sizes[i]!.width + gap;
    return inner;
  });
  const width = x - gap,
    height = Math.max(...sizes.map((s) => s.height));
  return svgDocument(width, height, opts.title ?? 'charts', body);
}
