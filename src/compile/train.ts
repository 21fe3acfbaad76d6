// fit's, evaluate's and predict's compiled steps (compile({ jitCompile })):
// the training step of makeTrainStep, jitted with the optimiser's slots as
// inputs and outputs; Adam's bias-corrected step sizes, which change every
// step, are set on the plan's adamUpdate equations before each replay.
import type { OptimizerState } from '../optim/optimizer.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Adam } from '../optim/adam.js';
import { AdamW } from '../optim/adamw.js';
import { Adagrad } from '../optim/adagrad.js';
import { RMSprop } from '../optim/rmsprop.js';
import { SGD } from '../optim/sgd.js';
import type { AdamStep } from '../backend/kernels.js';
import type { TypedArray } from '../core/dtype.js';
import { NablaError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { resident, settleResident, type Variable } from '../tensor/variable.js';
import { batchStatistic, type Metric } from '../metrics/metric.js';
import { noGrad } from '../ops/stop.js';
import type { NamedTensors, TrainBatch, Trainer } from '../train/step.js';
import { part, type Data } from '../train/model-data.js';
import { copyRows } from '../train/data.js';
import { checkedLabels } from '../losses/crossentropy.js';
import { gatherRows, kernelArray } from '../backend/wasm/plan-exec.js';
import { jit, makeJit } from './jit.js';
import type { Node } from './optimize.js';
import type { Plan, PlanResult } from './plan.js';
import { tensorLeaves } from './signature.js';

type Slots = Readonly<Record<string, Tensor>>;

/** @internal How many training steps ran as compiled plans, and how many plans fit traced (tests check that fit took the compiled path, and traced once). */
export const compiledRuns = { steps: 0, traces: 0 };

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

/** The outputs of a StepOut as plan output indices ({ output: i } leaves of the plan's output tree). */
type StepRefs = { [K in keyof StepOut]: unknown };

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

/** One compiled training step's results (see CompiledTrainStep.run). */
export interface CompiledStepResult {
  /** The loss, its new weights by name and its metrics' per-example values: the plan's own storage, valid until its next run. */
  readonly loss: Tensor;
  readonly params: NamedTensors;
  /** Whether every new weight is finite (false can also mean a float32 sum that overflowed: scan `params` then). */
  weightsFinite(): boolean;
  readonly metrics: NamedTensors;
  /** The gradients by name, copied out on first access. */
  readonly grads: NamedTensors;
  /** The model's outputs (copied out when read). */
  readonly outputs: () => Tensor;
  /** The non-trainable values after the step (batch-norm statistics), copied out. */
  readonly state: NamedTensors;
  /** Makes this step's weights and optimiser state the model's (kept in the step's memory: see CompiledTrainStep). */
  commit(): void;
}

/**
 * fit's training step compiled per batch shape. Between steps the newest
 * weights and optimiser slots stay in the step's own arrays ("home"),
 * resident in the kernels' memory: the next step reads them in place, and a
 * committed step copies its results there, instead of making new tensors of
 * every weight and slot for the variables and the optimiser each step. The
 * variables and the optimiser get them back (settle) as soon as anything
 * reads or writes a variable's value or the optimiser's state
 * (settleResident), and when fit ends: nobody sees a stale value.
 */
export interface CompiledTrainStep {
  /**
   * One step on `batch`, or null when it has to run eagerly (a step that
   * cannot be traced).
   */
  run(batch: TrainBatch): CompiledStepResult | null;
  /** Writes the held weights and slots back into the variables and the optimiser, if they are held. */
  settle(): void;
  /**
   * The batch of rows `indices` of x, y and the sample weights w, as tensors
   * over arrays the step reuses from batch to batch (in the kernels' memory,
   * read in place by the plan): for `run` only, valid until the next batch.
   */
  batch(x: Data, y: Data, w: Tensor | null, indices: Int32Array): TrainBatch;
  /** Settles, then gives the plans' memory back (fit calls it as it ends: a plan holds its blocks until disposed). */
  dispose(): void;
}

/** The optimisers whose update a plan can replay: every quantity that changes between steps is a slot, or Adam's step size (set before each replay). */
const REPLAYABLE: readonly (abstract new (...a: never[]) => Optimizer)[] = [SGD, RMSprop, Adagrad, Adam, AdamW];

/**
 * The compiled step of `trainer` (the model's trainable variables
 * `trainable`, in trainer.names order) with `optimizer`, or null when fit
 * has to run eagerly: an optimiser other than the built-in ones (whose rule
 * could depend on JS state a plan freezes), or a learning-rate schedule
 * (except for Adam, whose rate enters only through its step size).
 */
export function compiledTrainStep(
  trainer: Trainer,
  optimizer: Optimizer,
  trainable: readonly Variable[],
  opts: { silent: boolean; labelsChecked?: boolean },
): CompiledTrainStep | null {
  const isAdam = optimizer instanceof Adam;
  const fixedRate = typeof (optimizer as unknown as { learningRate: unknown }).learningRate === 'number';
  if (!REPLAYABLE.some((C) => optimizer.constructor === C)) return null;
  if (!fixedRate && !isAdam) return null;
  // the step count and each parameter's update count, read when the step is traced (Adam's are set on each replay)
  const now = { iterations: 0, updates: [] as number[] };
  const step = (params: NamedTensors, slots: Slots[], x: Data, y: Data, sampleWeight?: Tensor): StepOut => {
    // at least 1: an update count of 0 makes optimizer.update create the slots (constant zeros, folded into the plan);
    // here they are inputs, the zeros of a first update included (the count enters only Adam's step size, set per replay)
    const state: OptimizerState = {
      iterations: now.iterations,
      parameters: slots.map((s, i) => ({ updates: Math.max(1, now.updates[i]!), slots: s })),
    };
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
  const { planFor, jitted } = makeJit(step, { cacheSize: CACHE, name: 'the training step', silent: opts.silent } as Parameters<typeof jit>[1]);
  // Within one fit the parameters' and slots' shapes are fixed, so the batch's shapes pick the plan, without
  // walking every argument for its signature. Every plan held here was looked up after any plan jit's cache
  // could drop (at most CACHE distinct lookups since this map was last emptied), so none was disposed.
  const plans = new Map<string, Compiled | null>();
  const shapeKey = (d: Data | undefined): string =>
    d === undefined ? '-' : Array.isArray(d) ? `[${d.map(shapeKey).join('|')}]` : `${d.dtype}${d.shape.join(',')}`;
  const planOf = (args: unknown[], batch: TrainBatch): Compiled | null => {
    const key = `${shapeKey(batch.x)};${shapeKey(batch.y)};${shapeKey(batch.sampleWeight)}`;
    let hit = plans.get(key);
    if (hit === undefined) {
      if (plans.size >= CACHE) plans.clear();
      // (labels fit checked itself, all of them, need no check inside the traced loss: see checkedLabels)
      if (opts.labelsChecked === true) checkedLabels.depth++;
      let plan: Plan | null;
      try {
        plan = planFor(args);
      } finally {
        if (opts.labelsChecked === true) checkedLabels.depth--;
      }
      hit = plan === null ? null : compiled(plan, trainer.names);
      plans.set(key, hit);
      compiledRuns.traces++;
    }
    return hit;
  };

  // The held values, in the plan's input order of the weights and slots: the weights in trainer.names order,
  // then each parameter's slots. Non-null exactly while resident.owner is `owner`.
  let home: { arrays: TypedArray[]; params: NamedTensors; slots: Slots[] } | null = null;
  let slotNames: string[][] = [];
  let lastRun = 0;
  const owner = {
    settle: () => {
      // the held arrays become the variables' and the optimiser's storage (no copy): the next commit makes new ones
      const h = home;
      if (h === null) return;
      home = null;
      trainer.names.forEach((k, i) => trainable[i]!.assign(h.params[k]!));
      optimizer.setState(trainable, {
        iterations: now.iterations,
        parameters: h.slots.map((s, i) => ({ updates: now.updates[i]!, slots: { ...s } })),
      });
    },
  };
  const settle = () => {
    if (resident.owner === owner) settleResident();
  };

  const run = (batch: TrainBatch): CompiledStepResult | null => {
    let params: NamedTensors, slots: Slots[];
    if (home !== null) {
      params = home.params;
      slots = home.slots;
    } else {
      params = trainer.params();
      // (a parameter not updated yet has fresh slots here, as its first eager update would create them)
      const state = optimizer.stateOf(trainable);
      now.iterations = state.iterations;
      now.updates = state.parameters.map((p) => p.updates);
      slots = state.parameters.map((p) => p.slots);
      slotNames = slots.map((s) => Object.keys(s));
    }
    const args = batch.sampleWeight === undefined ? [params, slots, batch.x, batch.y] : [params, slots, batch.x, batch.y, batch.sampleWeight];
    // (a first trace of this batch shape reads the variables, which settles what is held: `params` and `slots` keep their values)
    const hit = planOf(args, batch);
    if (hit === null) return null;
    const { plan } = hit;
    if (hit.carried.length !== trainable.length + slotNames.reduce((n, s) => n + s.length, 0)) return null;
    if (isAdam) {
      const adam = optimizer as Adam;
      if (hit.adam.length !== trainable.length) return null;
      const lr = optimizer.learningRateAt(now.iterations);
      hit.adam.forEach((n, i) => {
        // as Adam.rule computes them for update t
        const t = now.updates[i]! + 1;
        const a = n.attrs as AdamStep;
        a.stepSize = lr / (1 - adam.beta1 ** t);
        a.root2 = Math.sqrt(1 - adam.beta2 ** t);
      });
    }
    // another fit's held values are settled first; this step's own stay held while the plan reads the model's other variables
    if (resident.owner !== owner) settleResident();
    const held = resident.owner;
    resident.owner = null;
    let r: PlanResult;
    try {
      r = plan.run(tensorLeaves(args), hit.deferred);
    } finally {
      resident.owner = held;
    }
    const thisRun = ++lastRun;
    compiledRuns.steps++;
    const { peek, later } = r;
    const view = (i: number) => new Tensor(peek(i), plan.outputShape(i));
    const state = r.result as { state: NamedTensors };
    const metrics: NamedTensors = {};
    for (const [k, o] of hit.metrics) metrics[k] = view(o);
    let newParams: NamedTensors | null = null,
      grads: NamedTensors | null = null;
    return {
      loss: view(hit.loss),
      get params() {
        return (newParams ??= Object.fromEntries(trainer.names.map((k, i) => [k, view(hit.carried[i]!)])));
      },
      weightsFinite: () => {
        for (let i = 0; i < trainer.names.length; i++) if (!plan.finite(peek(hit.carried[i]!))) return false;
        return true;
      },
      metrics,
      get grads() {
        return (grads ??= gradsLater(trainer.names, hit.grads, later));
      },
      outputs: () => readTree(hit.outputs, later) as Tensor,
      state: state.state,
      commit: () => {
        if (thisRun !== lastRun) throw new NablaError('fit: a compiled step was committed after a later one ran');
        // values another step holds go back to their variables first: one owner at a time
        if (resident.owner !== null && resident.owner !== owner) settleResident();
        if (home !== null) {
          const arrays = home.arrays;
          hit.carried.forEach((o, j) => (arrays[j] as Float32Array).set(peek(o) as Float32Array));
        } else {
          // fresh arrays: never a variable's storage (an output can be an input, a weight without a gradient)
          const arrays = hit.carried.map((o) => plan.copyOf(peek(o)));
          const tensors = arrays.map((a, j) => new Tensor(a, plan.outputShape(hit.carried[j]!)));
          const ps: NamedTensors = {};
          trainer.names.forEach((k, i) => (ps[k] = tensors[i]!));
          let j = trainer.names.length;
          const ss = slotNames.map((names) => Object.fromEntries(names.map((n) => [n, tensors[j++]!])));
          home = { arrays, params: ps, slots: ss };
        }
        now.iterations++;
        now.updates = now.updates.map((u) => u + 1);
        // the layer state (batch-norm statistics) is not held: written now, as an eager step's is
        if (Object.keys(state.state).length > 0) {
          resident.owner = null;
          try {
            trainer.write({}, state.state);
          } finally {
            resident.owner = owner;
          }
        } else resident.owner = owner;
      },
    };
  };
  // the reused batch arrays, by role and batch size (the last batch of an epoch may be smaller)
  const buffers = new Map<string, Tensor>();
  const pick = (t: Tensor, role: string, indices: Int32Array): Tensor => {
    const key = `${role}:${indices.length}:${t.dtype}`;
    const row = t.size / t.shape[0]!;
    let b = buffers.get(key);
    if (b === undefined) buffers.set(key, (b = new Tensor(kernelArray(t.storage, indices.length * row), [indices.length, ...t.shape.slice(1)])));
    if (!gatherRows(b.storage, t.storage, row, indices)) copyRows(b.storage, t.storage, row, indices);
    return b;
  };
  const pickData = (d: Data, role: string, indices: Int32Array): Data =>
    Array.isArray(d) ? d.map((t, i) => pick(t, `${role}${i}`, indices)) : pick(d, role, indices);
  const batch = (x: Data, y: Data, w: Tensor | null, indices: Int32Array): TrainBatch => {
    const b = { x: pickData(x, 'x', indices), y: pickData(y, 'y', indices) };
    return w === null ? b : { ...b, sampleWeight: pick(w, 'w', indices) };
  };
  const dispose = () => {
    settle();
    plans.clear();
    jitted.clearCache(); // the plans' blocks of linear memory go back to the heap
    buffers.clear();
  };
  return { run, settle, batch, dispose };
}

/** The output index of a { output: i } leaf of a plan's output tree. */
function ref(t: unknown): number {
  const o = (t as { output?: unknown } | null)?.output;
  if (typeof o !== 'number') throw new NablaError('fit: the compiled step lost one of its outputs');
  return o;
}

/** A tree of { output: i } leaves with each leaf replaced by read(i). */
function readTree(t: unknown, read: (i: number) => Tensor): unknown {
  if (Array.isArray(t)) return t.map((u) => readTree(u, read));
  return read(ref(t));
}

/** What fit needs of one plan of the step: its outputs by role. */
interface Compiled {
  plan: Plan;
  /** The gradients' outputs by parameter name. */
  grads: Map<string, number>;
  /** Every output: deferred (read in place, or copied out on demand). */
  deferred: Set<number>;
  /** The new weights' and slots' outputs, in the plan's input order of the weights and slots. */
  carried: number[];
  /** Adam's update equations, one per parameter in order. */
  adam: Node[];
  /** The loss's, the model outputs' (a tree of { output: i } for several) and the metrics' (by name) outputs. */
  loss: number;
  outputs: unknown;
  metrics: [string, number][];
}

/** The output indices of the { output: i } leaves of a plan's output tree. */
function refsIn(tree: unknown, into = new Set<number>()): Set<number> {
  if (tree === null || typeof tree !== 'object') return into;
  const o = (tree as { output?: unknown }).output;
  if (typeof o === 'number') into.add(o);
  else for (const t of Object.values(tree)) refsIn(t, into);
  return into;
}

/** The roles of a plan's outputs (see Compiled). */
function compiled(plan: Plan, names: readonly string[]): Compiled {
  const out = plan.outputTree as StepRefs;
  const carried: number[] = [];
  const params = out.params as Record<string, unknown>;
  for (const k of names) carried.push(ref(params[k]));
  for (const s of out.slots as Record<string, unknown>[]) for (const t of Object.values(s)) carried.push(ref(t));
  const deferred = refsIn(out);
  // the layer state is copied out with the result (it is written into the variables on commit)
  for (const o of refsIn(out.state)) deferred.delete(o);
  return {
    plan,
    ...gradOutputs(plan),
    deferred,
    carried,
    adam: plan.nodes.filter((n) => n.prim === 'adamUpdate'),
    loss: ref(out.loss),
    outputs: out.outputs,
    metrics: Object.entries(out.metrics as Record<string, unknown>).map(([k, t]) => [k, ref(t)]),
  };
}

/** The plan outputs of the step's gradients, by parameter name. */
function gradOutputs(plan: Plan): { grads: Map<string, number> } {
  const grads = new Map<string, number>();
  const tree = (plan.outputTree as { grads?: Record<string, unknown> }).grads ?? {};
  for (const [k, t] of Object.entries(tree)) {
    const o = (t as { output?: unknown } | null)?.output;
    if (typeof o === 'number') grads.set(k, o);
  }
  return { grads };
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
  update(values: NamedTensors, y: () => Data, outputs: () => Data): void;
} {
  const stats = metrics.map((m) => batchStatistic(m.metric));
  const functions: Record<string, (yTrue: Data, yPred: Data) => Tensor> = {};
  stats.forEach((s, i) => {
    const k = metrics[i]!.output;
    if (s !== null) functions[`metric${i}`] = (yTrue, yPred) => s.perExample(part(yTrue, k), part(yPred, k));
  });
  return {
    functions,
    update: (values, y, outputs) => {
      let read: Data | undefined, labels: Data | undefined; // the outputs and the labels, read once if a metric needs them
      noGrad(() =>
        metrics.forEach((m, i) => {
          const s = stats[i];
          if (s) s.fold(values[`metric${i}`]!.storage);
          else m.metric.update(part((labels ??= y()), m.output), part((read ??= outputs()), m.output));
        }),
      );
    },
  };
}

/** f compiled for inference (predict, evaluate): a plan per batch shape, silently eager when f cannot be traced. */
export function compiledInference<A extends unknown[], R>(f: (...args: A) => R, silent: boolean): (...args: A) => R {
  return jit(f, { cacheSize: 4, name: 'inference', silent } as Parameters<typeof jit>[1]) as unknown as (...args: A) => R;
}
