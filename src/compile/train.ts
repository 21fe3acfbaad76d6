// fit's, evaluate's and predict's compiled steps (compile({ jitCompile })):
// the training step of makeTrainStep, jitted with the optimiser's slots as
// inputs and outputs; Adam's bias-corrected step sizes, which change every
// step, are set on the plan's adamUpdate equations before each replay.
import type { OptimizerState } from '../optim/optimizer.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Adam } from '../optim/adam.js';
import type { AdamStep } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchStatistic, type Metric } from '../metrics/metric.js';
import { noGrad } from '../ops/stop.js';
import type { NamedTensors, TrainBatch, Trainer, TrainStepResult } from '../train/step.js';
import { part, type Data } from '../train/model-data.js';
import { jit, makeJit } from './jit.js';
import type { Node } from './optimize.js';
import type { Plan } from './plan.js';
import { tensorLeaves } from './signature.js';

type Slots = Readonly<Record<string, Tensor>>;

/** @internal How many training steps ran as compiled plans (tests check that fit took the compiled path). */
export const compiledRuns = { steps: 0 };

/** What the jitted step returns: the step's results, with the optimiser's slots in place of its state. */
interface StepOut {
  params: NamedTensors;
  slots: Slots[];
  loss: Tensor;
  outputs: Tensor;
  state: NamedTensors;
  /** Deferred in each replay: read only when fit diagnoses a divergence (see gradsLater). */
  grads: NamedTensors;
  metrics: NamedTensors;
}

/**
 * The gradients of a replay as an object whose properties read them from
 * the plan on first access (a fit that does not diverge never copies them out).
 */
function gradsLater(names: readonly string[], outputs: Map<string, number>, later: (i: number) => Tensor): NamedTensors {
  const grads: NamedTensors = {};
  for (const k of names) {
    const i = outputs.get(k);
    if (i === undefined) continue;
    let t: Tensor | null = null;
    Object.defineProperty(grads, k, { enumerable: true, get: () => (t ??= later(i)) });
  }
  return grads;
}

/**
 * A training step compiled per batch shape, or null for an optimiser whose
 * update depends on the step count in a way a plan cannot follow (a
 * learning-rate schedule, except for Adam, whose rate enters only through its
 * step size). The step returns null when it has to run eagerly (the first
 * update of a parameter creates its slots; a step that cannot be traced).
 */
export function compiledTrainStep(
  trainer: Trainer,
  optimizer: Optimizer,
  opts: { silent: boolean },
): ((params: NamedTensors, state: OptimizerState, batch: TrainBatch) => TrainStepResult | null) | null {
  const isAdam = optimizer instanceof Adam;
  const fixedRate = typeof (optimizer as unknown as { learningRate: unknown }).learningRate === 'number';
  if (!fixedRate && optimizer.className !== 'Adam') return null;
  const now = { iterations: 0, updates: [] as number[] };
  const step = (params: NamedTensors, slots: Slots[], x: Data, y: Data, sampleWeight?: Tensor): StepOut => {
    const state: OptimizerState = { iterations: now.iterations, parameters: slots.map((s, i) => ({ updates: now.updates[i]!, slots: s })) };
    const r = trainer(params, state, sampleWeight === undefined ? { x, y } : { x, y, sampleWeight });
    return {
      params: r.params,
      slots: r.optState.parameters.map((p) => p.slots),
      loss: r.loss,
      outputs: r.outputs,
      state: r.state,
      grads: r.grads,
      metrics: r.metrics,
    };
  };
  const CACHE = 4;
  const { planFor } = makeJit(step, { cacheSize: CACHE, name: 'the training step', silent: opts.silent } as Parameters<typeof jit>[1]);
  // Within one fit the parameters' and slots' shapes are fixed, so the batch's shapes pick the plan, without
  // walking every argument for its signature. Every plan held here was looked up after any plan jit's cache
  // could drop (at most CACHE distinct lookups since this map was last emptied), so none was disposed.
  const plans = new Map<string, { plan: Plan; grads: Map<string, number>; deferred: Set<number>; adam: Node[] } | null>();
  const shapeKey = (d: Data | undefined): string =>
    d === undefined ? '-' : Array.isArray(d) ? `[${d.map(shapeKey).join('|')}]` : `${d.dtype}${d.shape.join(',')}`;
  const planOf = (args: unknown[], batch: TrainBatch) => {
    const key = `${shapeKey(batch.x)};${shapeKey(batch.y)};${shapeKey(batch.sampleWeight)}`;
    let hit = plans.get(key);
    if (hit === undefined) {
      if (plans.size >= CACHE) plans.clear();
      const plan = planFor(args);
      hit = plan === null ? null : { plan, ...gradOutputs(plan), adam: plan.nodes.filter((n) => n.prim === 'adamUpdate') };
      plans.set(key, hit);
    }
    return hit;
  };
  return (params, state, batch) => {
    // a parameter's first update creates its slots inside the step: run that one eagerly
    if (state.parameters.some((p) => p.updates === 0)) return null;
    now.iterations = state.iterations;
    now.updates = state.parameters.map((p) => p.updates);
    const slots = state.parameters.map((p) => p.slots);
    const args =
      batch.sampleWeight === undefined ? ([params, slots, batch.x, batch.y] as const) : ([params, slots, batch.x, batch.y, batch.sampleWeight] as const);
    const hit = planOf([...args], batch);
    if (hit === null) return null;
    const { plan } = hit;
    if (isAdam) {
      const adam = optimizer as Adam;
      const nodes = hit.adam;
      if (nodes.length !== state.parameters.length) return null;
      const lr = optimizer.getLearningRate();
      nodes.forEach((n, i) => {
        // as Adam.rule computes them for update t
        const t = state.parameters[i]!.updates + 1;
        const a = n.attrs as AdamStep;
        a.stepSize = lr / (1 - adam.beta1 ** t);
        a.root2 = Math.sqrt(1 - adam.beta2 ** t);
      });
    }
    const { result, later } = plan.run(tensorLeaves(args), hit.deferred);
    const out = result as StepOut;
    compiledRuns.steps++;
    return {
      params: out.params,
      optState: { iterations: state.iterations + 1, parameters: out.slots.map((s, i) => ({ updates: state.parameters[i]!.updates + 1, slots: s })) },
      loss: out.loss,
      outputs: out.outputs,
      state: out.state,
      grads: gradsLater(Object.keys(params), hit.grads, later),
      metrics: out.metrics,
    };
  };
}

/** The plan outputs of the step's gradients, by parameter name, and their set (deferred in every replay). */
function gradOutputs(plan: Plan): { grads: Map<string, number>; deferred: Set<number> } {
  const grads = new Map<string, number>();
  const tree = (plan.outputTree as { grads?: Record<string, unknown> }).grads ?? {};
  for (const [k, t] of Object.entries(tree)) {
    const o = (t as { output?: unknown } | null)?.output;
    if (typeof o === 'number') grads.set(k, o);
  }
  return { grads, deferred: new Set(grads.values()) };
}

/**
 * fit's metrics split by where their batch statistic is computed: the
 * built-in mean metrics' per-example values inside the training step (in
 * its compiled plan: `functions`, for makeTrainStep's metrics option), the
 * others eagerly from the step's outputs. Each metric reads one output
 * (`output`: its index in a model of several outputs, 0 otherwise).
 * `update` folds one batch into every metric, as
 * `metric.update(yₖ, outputsₖ)` would.
 */
export function metricsInStep(metrics: readonly { metric: Metric; output: number }[]): {
  functions: Record<string, (yTrue: Data, yPred: Data) => Tensor>;
  update(values: NamedTensors, y: Data, outputs: Data): void;
} {
  const stats = metrics.map((m) => batchStatistic(m.metric));
  const functions: Record<string, (yTrue: Data, yPred: Data) => Tensor> = {};
  stats.forEach((s, i) => {
    const k = metrics[i]!.output;
    if (s !== null) functions[`metric${i}`] = (yTrue, yPred) => s.perExample(part(yTrue, k), part(yPred, k));
  });
  return {
    functions,
    update: (values, y, outputs) =>
      noGrad(() =>
        metrics.forEach((m, i) => {
          const s = stats[i];
          if (s) s.fold(values[`metric${i}`]!.storage);
          else m.metric.update(part(y, m.output), part(outputs, m.output));
        }),
      ),
  };
}

/** f compiled for inference (predict, evaluate): a plan per batch shape, silently eager when f cannot be traced. */
export function compiledInference<A extends unknown[], R>(f: (...args: A) => R, silent: boolean): (...args: A) => R {
  return jit(f, { cacheSize: 4, name: 'inference', silent } as Parameters<typeof jit>[1]) as unknown as (...args: A) => R;
}
