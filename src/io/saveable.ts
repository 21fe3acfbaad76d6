import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';

/**
 * What io needs of a model to save it: its architecture, its named
 * parameters and its compile settings. io depends on this interface, not on
 * a model class (train implements it), so io never imports train.
 */
export interface SaveableModel {
  /** The architecture, as JSON-ready data that the model's factory rebuilds it from. */
  getConfig(): object;
  /** The compile settings { loss, metrics, optimizer } in serialisable form, or null. */
  getCompileConfig(): Record<string, unknown> | null;
  /** Every parameter (trainable or not) by its name, e.g. ['dense_1.kernel', Variable]. */
  namedParameters(): [string, Variable][];
  /** The class name the file stores, whose registered factory rebuilds the model: 'Sequential' (the default) or 'Model' (functional). */
  readonly modelClassName?: string;
}

/** What io needs of a model to load it, after the factory built it. */
export interface LoadableModel extends SaveableModel {
  /** Sets the parameters' values by name. */
  loadStateDict(state: Record<string, Tensor>): void;
  /** Restores the compile settings. */
  /** compile({ loss, metrics, optimizer }) with the names a file holds (checked by compile itself, like any user's). */
  compile(args: never): void;
  /** Sets training or inference mode. */
  train(mode?: boolean): unknown;
}

/**
 * The model type each class name loads as. Empty here; train adds its
 * classes by declaration merging (`interface ModelClasses { Sequential:
 * Sequential }`), a type-only link, so loadModel is typed as the class
 * without io importing it.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface, so that train can merge its Sequential into it
export interface ModelClasses {}

/** The type a model file loads as: the registered Sequential class, or LoadableModel if train is not part of the program. */
export type LoadedModel = ModelClasses extends { Sequential: infer S } ? S : LoadableModel;

/** Builds a model (with fresh weights) from the architecture a file stores. */
export type ModelFactory = (config: Record<string, unknown>) => LoadableModel;

const factories = new Map<string, ModelFactory>();

/** Registers the factory of a model class (train registers 'Sequential' when it loads). */
export function registerModelClass(className: string, factory: ModelFactory): void {
  factories.set(className, factory);
}

/** The factory of a model class, or undefined when no such class is registered. */
export function modelFactory(className: string): ModelFactory | undefined {
  return factories.get(className);
}
