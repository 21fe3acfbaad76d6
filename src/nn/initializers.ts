import type { DType } from '../core/dtype.js';
import { describe } from '../core/describe.js';
import { ArgumentError } from '../core/errors.js';
import { lookup } from '../core/lookup.js';
import { type Generator, globalGenerator } from '../core/random.js';
import { sizeOf } from '../core/shape.js';
import { full, randomNormal, randomUniform } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { tapeState } from '../autograd/tape.js';

/** Creates a weight tensor of a shape; `config` round-trips through save and load. */
export interface Initializer {
  (shape: readonly number[], dtype: 'float32' | 'float64', generator?: Generator): Tensor;
  readonly className: string;
  readonly config: Record<string, number>;
}

function make(
  className: string,
  config: Record<string, number>,
  fn: (shape: readonly number[], dtype: 'float32' | 'float64', g: Generator) => Tensor,
): Initializer {
  const init = (shape: readonly number[], dtype: 'float32' | 'float64', generator?: Generator) => {
    // initial weights are values, even when a layer builds while nb.trace or nb.jit runs (not random inputs of a plan)
    const tracer = tapeState.tracer;
    tapeState.tracer = null;
    try {
      return fn(shape, dtype, generator ?? globalGenerator());
    } finally {
      tapeState.tracer = tracer;
    }
  };
  return Object.assign(init, { className, config });
}

/**
 * The fans of a weight shape: a dense kernel [in, out] has fanIn = in and
 * fanOut = out; a convolution kernel [kh, kw, in, out] multiplies both by
 * the receptive field kh·kw.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

/** A normal draw truncated to ±2 standard deviations (redrawn outside), as Keras's truncated normal. */
function truncatedNormal(shape: readonly number[], std: number, dtype: 'float32' | 'float64', g: Generator): Tensor {
  const t = randomNormal(shape, 0, 1, { dtype, generator: g });
  const d = t.storage;
  for (let i = 0; i < d.length; i++) {
    let v = d[i]!;
    while (Math.abs(v) > 2) v = g.normal();
    d[i] = v * std;
  }
  return t;
}

// Keras scales truncated normals by this so that the truncated draw has the intended standard deviation.
const TRUNCATION = 0.87962566103423978;

/** All zeros (the default for biases). */
export const zeros = (): Initializer => make('Zeros', {}, (s, d) => full(s, 0, d));
/** All ones. */
export const ones = (): Initializer => make('Ones', {}, (s, d) => full(s, 1, d));
/** Normal draws N(mean, stddev²). */
export const randomNormalInit = (opts: { mean?: number; stddev?: number } = {}): Initializer => {
  const mean = opts.mean ?? 0,
    stddev = opts.stddev ?? 0.05;
  return make('RandomNormal', { mean, stddev }, (s, d, g) => randomNormal(s, mean, stddev, { dtype: d, generator: g }));
};
/** Uniform draws in [minval, maxval). */
export const randomUniformInit = (opts: { minval?: number; maxval?: number } = {}): Initializer => {
  const minval = opts.minval ?? -0.05,
    maxval = opts.maxval ?? 0.05;
  return make('RandomUniform', { minval, maxval }, (s, d, g) => randomUniform(s, minval, maxval, { dtype: d, generator: g }));
};
/** Glorot (Xavier) uniform: U(−l, l) with l = √(6 / (fanIn + fanOut)). The default for kernels. */
export const glorotUniform = (): Initializer =>
  make('GlorotUniform', {}, (s, d, g) => {
    const { fanIn, fanOut } = fans(s);
    const l = Math.sqrt(6 / (fanIn + fanOut));
    return randomUniform(s, -l, l, { dtype: d, generator: g });
  });
/** Glorot (Xavier) normal: truncated N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal = (): Initializer =>
  make('GlorotNormal', {}, (s, d, g) => {
    const { fanIn, fanOut } = fans(s);
    return truncatedNormal(s, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATION, d, g);
  });
/** He normal: truncated N(0, 2 / fanIn), for ReLU layers. */
export const heNormal = (): Initializer =>
  make('HeNormal', {}, (s, d, g) => {
    const { fanIn } = fans(s);
    return truncatedNormal(s, Math.sqrt(2 / fanIn) / TRUNCATION, d, g);
  });
/** He uniform: U(−l, l) with l = √(6 / fanIn). */
export const heUniform = (): Initializer =>
  make('HeUniform', {}, (s, d, g) => {
    const { fanIn } = fans(s);
    const l = Math.sqrt(6 / fanIn);
    return randomUniform(s, -l, l, { dtype: d, generator: g });
  });

/** The initializers every layer accepts by name (TF.js's names). */
export type InitializerName = 'zeros' | 'ones' | 'randomNormal' | 'randomUniform' | 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform';

/** Every spelling of an initializer name: the names and Keras's snake_case ('glorot_uniform', 'he_normal', ...). */
export type InitializerSpelling = InitializerName | 'random_normal' | 'random_uniform' | 'glorot_uniform' | 'glorot_normal' | 'he_normal' | 'he_uniform';

const byName: Record<InitializerName, (config: Record<string, number>) => Initializer> = {
  zeros: () => zeros(),
  ones: () => ones(),
  randomNormal: (c) => randomNormalInit(c),
  randomUniform: (c) => randomUniformInit(c),
  glorotUniform: () => glorotUniform(),
  glorotNormal: () => glorotNormal(),
  heNormal: () => heNormal(),
  heUniform: () => heUniform(),
};
// Keras's snake_case spellings → the names
const snakeCase = {
  random_normal: 'randomNormal',
  random_uniform: 'randomUniform',
  glorot_uniform: 'glorotUniform',
  glorot_normal: 'glorotNormal',
  he_normal: 'heNormal',
  he_uniform: 'heUniform',
} satisfies Record<Exclude<InitializerSpelling, InitializerName>, InitializerName>;
const classNames: Record<string, string> = {
  Zeros: 'zeros',
  Ones: 'ones',
  RandomNormal: 'randomNormal',
  RandomUniform: 'randomUniform',
  GlorotUniform: 'glorotUniform',
  GlorotNormal: 'glorotNormal',
  HeNormal: 'heNormal',
  HeUniform: 'heUniform',
};

/**
 * An initializer by name ('glorotUniform', 'heNormal', 'zeros', ... or
 * Keras's snake_case: a typo fails to compile), by serialised config
 * ({ className: 'GlorotUniform', config: {} }), or as given (a function).
 */
export type InitializerSpec = InitializerSpelling | Initializer | { className: string; config?: Record<string, number> };

/** Resolves an InitializerSpec. */
export function getInitializer(spec: InitializerSpec, context = 'initializer'): Initializer {
  if (typeof spec === 'function') return spec;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    const name = lookup(classNames, spec.className, 'initializer class', context);
    const config = spec.config ?? {};
    if (config === null || typeof config !== 'object' || Array.isArray(config) || Object.values(config).some((v) => typeof v !== 'number')) {
      throw new ArgumentError(`${context}: initializer ${name}: config must be an object of numbers, got ${describe(config)}`);
    }
    return byName[name as InitializerName](config);
  }
  if (typeof spec !== 'string')
    throw new ArgumentError(`${context}: an initializer must be a name, a { className, config } object or an initializer, got ${describe(spec)}`);
  const key = Object.hasOwn(snakeCase, spec) ? snakeCase[spec as keyof typeof snakeCase] : spec;
  return lookup(byName, key, 'initializer', context)({});
}

/** The serialisable form of an initializer. */
export function serializeInitializer(init: Initializer): { className: string; config: Record<string, number> } {
  return { className: init.className, config: { ...init.config } };
}

export type { DType };
