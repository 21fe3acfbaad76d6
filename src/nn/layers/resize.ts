// Keras's image-resizing layers without weights: UpSampling2D, ZeroPadding2D
// and Cropping2D, over NHWC images.
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { describe } from '../../core/describe.js';
import { formatShape } from '../../core/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Pair } from '../../ops/conv.js';
import { resize } from '../../ops/conv-variants.js';
import { pad, slice } from '../../ops/shape.js';
import { Layer, registerLayer, type LayerArgs } from '../layer.js';
import { choiceOption, layerOpName, pairOption } from '../options.js';

/** Rows and columns per side: n (all four), [rows, columns] (each on both sides), or [[top, bottom], [left, right]]. */
export type Sides = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

/** A Sides option as [[top, bottom], [left, right]] of non-negative integers. */
function sidesOption(op: string, name: string, v: unknown): [[number, number], [number, number]] {
  const ok = (d: unknown): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 && d <= 2 ** 31;
  if (ok(v))
    return [
      [v, v],
      [v, v],
    ];
  if (Array.isArray(v) && v.length === 2) {
    if (ok(v[0]) && ok(v[1]))
      return [
        [v[0], v[0]],
        [v[1], v[1]],
      ];
    const [h, w] = v as unknown[];
    if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2 && [...h, ...w].every(ok))
      return [
        [h[0], h[1]],
        [w[0], w[1]],
      ];
  }
  const shown = Array.isArray(v) ? `[${v.map((q) => (Array.isArray(q) ? `[${q.map(describe).join(',')}]` : describe(q))).join(',')}]` : describe(v);
  throw new ArgumentError(`${op}: ${name} must be a non-negative integer, [rows, columns] or [[top, bottom], [left, right]], got ${shown}`);
}

function imageInput(layer: Layer, x: Tensor): [number, number, number, number] {
  if (x.rank !== 4) throw new ShapeError(`${layer.name}: input shape ${formatShape(x.shape)} must be [batch, height, width, channels]`);
  return x.shape as [number, number, number, number];
}

/** Options of an UpSampling2D layer (Keras's names). */
export interface UpSampling2DArgs extends LayerArgs {
  /** Factors for rows and columns (2 by default). */
  size?: Pair;
  /** 'nearest' (each pixel repeated; the default) or 'bilinear' (half-pixel centres, as Keras and PyTorch's align_corners=False). */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * Upsamples NHWC images by integer factors: [N, H, W, C] → [N, H·sh, W·sw, C].
 * 'nearest': y[n, i, j, c] = x[n, ⌊i/sh⌋, ⌊j/sw⌋, c]; 'bilinear': bilinear
 * interpolation at the source coordinates (i + ½)/sh − ½ (clamped to the image).
 */
export class UpSampling2D extends Layer {
  readonly size: [number, number];
  readonly interpolation: 'nearest' | 'bilinear';
  constructor(args: UpSampling2DArgs = {}) {
    super('UpSampling2D', args);
    const op = layerOpName('UpSampling2D');
    this.size = pairOption(op, 'size', args.size ?? 2);
    this.interpolation = choiceOption(op, 'interpolation', args.interpolation ?? 'nearest', ['nearest', 'bilinear'] as const);
  }
  call(x: Tensor): Tensor {
    const [, H, W] = imageInput(this, x);
    return resize(x, [H * this.size[0], W * this.size[1]], this.interpolation);
  }
  override getConfig() {
    return { ...super.getConfig(), size: this.size, interpolation: this.interpolation };
  }
}

/** Options of a ZeroPadding2D layer (Keras's names). */
export interface ZeroPadding2DArgs extends LayerArgs {
  /** Zero rows and columns to add: n, [rows, columns] or [[top, bottom], [left, right]] (1 by default). */
  padding?: Sides;
}

/** Adds rows and columns of zeros around NHWC images: [N, H, W, C] → [N, top + H + bottom, left + W + right, C]. */
export class ZeroPadding2D extends Layer {
  readonly padding: [[number, number], [number, number]];
  constructor(args: ZeroPadding2DArgs = {}) {
    super('ZeroPadding2D', args);
    this.padding = sidesOption(layerOpName('ZeroPadding2D'), 'padding', args.padding ?? 1);
  }
  call(x: Tensor): Tensor {
    imageInput(this, x);
    return pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }
  override getConfig() {
    return { ...super.getConfig(), padding: this.padding };
  }
}

/** Options of a Cropping2D layer (Keras's names). */
export interface Cropping2DArgs extends LayerArgs {
  /** Rows and columns to remove: n, [rows, columns] or [[top, bottom], [left, right]] (0 by default). */
  cropping?: Sides;
}

/** Removes rows and columns at the edges of NHWC images: [N, H, W, C] → [N, H − top − bottom, W − left − right, C]. */
export class Cropping2D extends Layer {
  readonly cropping: [[number, number], [number, number]];
  constructor(args: Cropping2DArgs = {}) {
    super('Cropping2D', args);
    this.cropping = sidesOption(layerOpName('Cropping2D'), 'cropping', args.cropping ?? 0);
  }
  call(x: Tensor): Tensor {
    const [, H, W] = imageInput(this, x);
    const [[t, b], [l, r]] = this.cropping;
    if (H - t - b < 1 || W - l - r < 1) {
      throw new ShapeError(
        `${this.name}: cropping [[${t},${b}],[${l},${r}]] leaves nothing of input ${formatShape(x.shape)} (height ${H} − ${t + b}, width ${W} − ${l + r})`,
      );
    }
    return slice(x, [0, t, l, 0], [-1, H - t - b, W - l - r, -1]);
  }
  override getConfig() {
    return { ...super.getConfig(), cropping: this.cropping };
  }
}

registerLayer('UpSampling2D', (c) => new UpSampling2D(c as UpSampling2DArgs));
registerLayer('ZeroPadding2D', (c) => new ZeroPadding2D(c as ZeroPadding2DArgs));
registerLayer('Cropping2D', (c) => new Cropping2D(c as Cropping2DArgs));
