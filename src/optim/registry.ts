import { ArgumentError } from '../core/errors.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { scheduleFromConfig } from './schedules.js';
import { SGD } from './sgd.js';
import { describe } from './validate.js';

const classes: Record<string, new (opts: Record<string, unknown>) => Optimizer> = {
  SGD,
  Adagrad,
  RMSprop,
  Adam,
  AdamW,
};

/**
 * A new optimiser from a configuration made by `getConfig()`:
 * { className: 'Adam' | 'SGD' | 'RMSprop' | 'Adagrad' | 'AdamW', ...options },
 * where learningRate is a number or a schedule's config. The new optimiser
 * has fresh state (iterations 0, no moments).
 */
export function optimizerFromConfig(config: Record<string, unknown>): Optimizer {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ArgumentError(`optimizerFromConfig: expected a config object, got ${describe(config)}`);
  }
  const { className, ...opts } = config;
  const Class = typeof className === 'string' && Object.hasOwn(classes, className) ? classes[className] : undefined;
  if (Class === undefined) {
    throw new ArgumentError(`optimizerFromConfig: unknown className ${describe(className)} (expected one of ${Object.keys(classes).join(', ')})`);
  }
  const lr = opts.learningRate;
  if (lr !== null && typeof lr === 'object' && !Array.isArray(lr)) {
    opts.learningRate = scheduleFromConfig(lr as Record<string, unknown>);
  }
  return new Class(opts);
}

const byName = {
  sgd: () => new SGD(),
  momentum: () => new SGD({ momentum: 0.9 }),
  adagrad: () => new Adagrad(),
  rmsprop: () => new RMSprop(),
  adam: () => new Adam(),
  adamw: () => new AdamW(),
} satisfies Record<string, () => Optimizer>;

/** The optimisers by name (any letter case at run time). */
export type OptimizerName = keyof typeof byName;

/**
 * An optimiser given by name with its default options ('sgd', 'momentum'
 * (SGD with momentum 0.9), 'adagrad', 'rmsprop', 'adam', 'adamw'; any
 * letter case), or the optimiser itself when given one.
 */
export function getOptimizer(nameOrOptimizer: string | Optimizer): Optimizer {
  if (nameOrOptimizer instanceof Optimizer) return nameOrOptimizer;
  const make =
    typeof nameOrOptimizer === 'string' && Object.hasOwn(byName, nameOrOptimizer.toLowerCase())
      ? byName[nameOrOptimizer.toLowerCase() as OptimizerName]
      : undefined;
  if (make === undefined) {
    throw new ArgumentError(
      `getOptimizer: unknown optimizer ${describe(nameOrOptimizer)} (expected one of ${Object.keys(byName).join(', ')}, or an Optimizer)`,
    );
  }
  return make();
}
