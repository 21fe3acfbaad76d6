import { ArgumentError } from '../core/errors.js';
import { checkBoolean, checkInteger, checkNonNegative, checkOptions, checkPositive, checkRange, describe, option } from './validate.js';

/**
 * A learning rate as a function of the step: `schedule(step)` is the rate
 * of the update with index `step`, counting from 0 (the first update uses
 * step 0). The built-in schedules carry a `config` ({ className, ...options })
 * so that an optimiser's `getConfig()` can serialise them; a plain function
 * works too, but then the optimiser cannot be serialised.
 */
export interface LearningRateSchedule {
  (step: number): number;
  config?: Record<string, unknown>;
}

/** A fixed positive rate, or a schedule. */
export type LearningRate = number | LearningRateSchedule;

function withConfig(fn: (step: number) => number, config: Record<string, unknown>): LearningRateSchedule {
  const schedule = fn as LearningRateSchedule;
  schedule.config = Object.freeze({ ...config });
  return schedule;
}

/**
 * Exponential decay (Keras `ExponentialDecay`):
 *
 *   η(t) = η₀ · r^(t / T)        or, with `staircase`,   η(t) = η₀ · r^⌊t / T⌋
 *
 * with η₀ = `initialLearningRate`, T = `decaySteps`, r = `decayRate`.
 */
export function exponentialDecay(opts: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): LearningRateSchedule {
  const op = 'exponentialDecay';
  const o = checkOptions(op, opts, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
  const initialLearningRate = checkPositive(op, 'initialLearningRate', o.initialLearningRate);
  const decaySteps = checkPositive(op, 'decaySteps', o.decaySteps);
  const decayRate = checkPositive(op, 'decayRate', o.decayRate);
  const staircase = option(o, 'staircase', false, (v) => checkBoolean(op, 'staircase', v));
  return withConfig(
    (step) => {
      const p = step / decaySteps;
      return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
    },
    { className: 'ExponentialDecay', initialLearningRate, decaySteps, decayRate, staircase },
  );
}

/**
 * A piecewise-constant rate (Keras `PiecewiseConstantDecay`): with
 * boundaries b₀ < b₁ < … < bₖ₋₁ and values v₀, …, vₖ,
 *
 *   η(t) = v₀ for t ≤ b₀,   vᵢ for bᵢ₋₁ < t ≤ bᵢ,   vₖ for t > bₖ₋₁.
 *
 * Give either `values` with one more entry than `boundaries` (the Keras
 * form), or `initialLearningRate` (v₀) and one value per boundary (the rate
 * after crossing it).
 */
export function stepDecay(opts: { initialLearningRate?: number; boundaries: number[]; values: number[] }): LearningRateSchedule {
  const op = 'stepDecay';
  const o = checkOptions(op, opts, ['initialLearningRate', 'boundaries', 'values']);
  if (!Array.isArray(o.boundaries)) throw new ArgumentError(`${op}: boundaries must be an array of numbers, got ${describe(o.boundaries)}`);
  if (!Array.isArray(o.values)) throw new ArgumentError(`${op}: values must be an array of numbers, got ${describe(o.values)}`);
  const boundaries = (o.boundaries as unknown[]).map((b, i) => {
    if (typeof b !== 'number' || !Number.isFinite(b)) throw new ArgumentError(`${op}: boundaries[${i}] must be a finite number, got ${describe(b)}`);
    if (i > 0 && !(b > (o.boundaries as number[])[i - 1]!)) {
      throw new ArgumentError(`${op}: boundaries must be strictly increasing, got ${describe(o.boundaries)}`);
    }
    return b;
  });
  let values = (o.values as unknown[]).map((v, i) => checkNonNegative(op, `values[${i}]`, v));
  if (o.initialLearningRate !== undefined) {
    const first = checkPositive(op, 'initialLearningRate', o.initialLearningRate);
    if (values.length !== boundaries.length) {
      throw new ArgumentError(`${op}: with initialLearningRate, values needs one entry per boundary (${boundaries.length}), got ${values.length}`);
    }
    values = [first, ...values];
  } else if (values.length !== boundaries.length + 1) {
    throw new ArgumentError(`${op}: values needs one more entry than boundaries (${boundaries.length + 1}), got ${values.length}`);
  }
  return withConfig(
    (step) => {
      let i = 0;
      while (i < boundaries.length && step > boundaries[i]!) i++;
      return values[i]!;
    },
    { className: 'PiecewiseConstantDecay', boundaries: [...boundaries], values: [...values] },
  );
}

/**
 * Cosine decay (Keras `CosineDecay`, SGDR without restarts) after an optional
 * linear warm-up of W = `warmupSteps` steps. With η₀ = `initialLearningRate`,
 * T = `decaySteps` and α = `alpha` (the final rate as a fraction of η₀):
 *
 *   η(t) = η₀ · (t + 1) / W                                   for t < W
 *   η(t) = η₀ · ((1 − α) · ½(1 + cos(π·p)) + α),  p = min(t − W, T) / T   for t ≥ W
 *
 * The warm-up counts from t + 1 so that the first update is not wasted at
 * rate 0; it reaches η₀ at step W − 1, and the decay then starts from η₀.
 */
export function cosineDecay(opts: { initialLearningRate: number; decaySteps: number; alpha?: number; warmupSteps?: number }): LearningRateSchedule {
  const op = 'cosineDecay';
  const o = checkOptions(op, opts, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupSteps']);
  const initialLearningRate = checkPositive(op, 'initialLearningRate', o.initialLearningRate);
  const decaySteps = checkPositive(op, 'decaySteps', o.decaySteps);
  const alpha = option(o, 'alpha', 0, (v) => checkRange(op, 'alpha', v, 0, 1, false, false));
  const warmupSteps = option(o, 'warmupSteps', 0, (v) => checkInteger(op, 'warmupSteps', v, 0));
  return withConfig(
    (step) => {
      if (step < warmupSteps) return (initialLearningRate * (step + 1)) / warmupSteps;
      const p = Math.min(step - warmupSteps, decaySteps) / decaySteps;
      return initialLearningRate * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * p)) + alpha);
    },
    { className: 'CosineDecay', initialLearningRate, decaySteps, alpha, warmupSteps },
  );
}

/** A schedule rebuilt from its `config` (as stored by an optimiser's getConfig). */
export function scheduleFromConfig(config: Record<string, unknown>): LearningRateSchedule {
  const { className, ...rest } = config;
  switch (className) {
    case 'ExponentialDecay':
      return exponentialDecay(rest as Parameters<typeof exponentialDecay>[0]);
    case 'PiecewiseConstantDecay':
      return stepDecay(rest as Parameters<typeof stepDecay>[0]);
    case 'CosineDecay':
      return cosineDecay(rest as Parameters<typeof cosineDecay>[0]);
    default:
      throw new ArgumentError(
        `scheduleFromConfig: unknown schedule className ${describe(className)} (expected ExponentialDecay, PiecewiseConstantDecay or CosineDecay)`,
      );
  }
}

/** Checks a learningRate option: a positive finite number or a schedule function. */
export function checkLearningRate(op: string, value: unknown): LearningRate {
  if (typeof value === 'function') return value as LearningRateSchedule;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(`${op}: learningRate must be a positive finite number or a schedule, got ${describe(value)}`);
  }
  return value;
}
