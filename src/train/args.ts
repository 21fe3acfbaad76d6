import { ArgumentError } from '../core/errors.js';
import { describe } from '../optim/validate.js';

/**
 * Checks of fit's, evaluate's and predict's options. Each throws an
 * ArgumentError naming the function, the option and the value it got, before
 * any work is done: `predict: batchSize must be a positive integer, got 0`
 * (a batch size of 0 would otherwise loop forever).
 */

/** fit's option names. */
export const FIT_KEYS = [
  'epochs',
  'batchSize',
  'validationSplit',
  'validationData',
  'shuffle',
  'callbacks',
  'verbose',
  'initialEpoch',
  'allowNonFinite',
  'sampleWeight',
  'classWeight',
] as const;
/** evaluate's and predict's option names. */
export const INFERENCE_KEYS = ['batchSize', 'allowNonFinite'] as const;
/** evaluate's option names. */
export const EVALUATE_KEYS = [...INFERENCE_KEYS, 'sampleWeight'] as const;

/** An integer ≥ `min` (default `fallback` when undefined). */
export function integerOption(op: string, opts: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    const what = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new ArgumentError(`${op}: ${name} must be ${what}, got ${describe(v)}`);
  }
  return v;
}

/** true or false (default `fallback` when undefined). */
export function booleanOption(op: string, opts: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = opts[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ArgumentError(`${op}: ${name} must be true or false, got ${describe(v)}`);
  return v;
}

/** validationSplit: a number in [0, 1); 0 (the default) holds nothing out. */
export function validationSplitOption(op: string, opts: Record<string, unknown>): number {
  const v = opts['validationSplit'];
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new ArgumentError(`${op}: validationSplit must be in [0, 1) (the fraction of examples held out), got ${describe(v)}`);
  }
  return v;
}

/** verbose: 0 (silent) or 1 (progress); undefined gives `fallback`. */
export function verboseOption(op: string, opts: Record<string, unknown>, fallback: 0 | 1): 0 | 1 {
  const v = opts['verbose'];
  if (v === undefined) return fallback;
  if (v !== 0 && v !== 1) throw new ArgumentError(`${op}: verbose must be 0 (silent) or 1 (progress), got ${describe(v)}`);
  return v;
}

/** callbacks: an array of objects (each hook optional), or one such object. */
export function callbacksOption<T>(op: string, opts: Record<string, unknown>): T[] {
  let v = opts['callbacks'];
  if (v === undefined) return [];
  // TF.js's spelling: one callback object ({ onEpochEnd }) rather than an array of them
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) v = [v];
  if (!Array.isArray(v) || v.some((c) => c === null || typeof c !== 'object')) {
    throw new ArgumentError(`${op}: callbacks must be an array of callback objects, got ${describe(v)}`);
  }
  return v as T[];
}

/** validationData: [x, y], or [x, y, sampleWeight]. */
export function validationDataOption<T>(op: string, opts: Record<string, unknown>): [T, T] | [T, T, unknown] | undefined {
  const v = opts['validationData'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 3)) {
    throw new ArgumentError(`${op}: validationData must be a pair [x, y] (or [x, y, sampleWeight]), got ${describe(v)}`);
  }
  return v as [T, T] | [T, T, unknown];
}
