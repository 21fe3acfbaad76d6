// fit's, evaluate's and predict's compiled steps (compile({ jitCompile })):
// the training step of makeTrainStep, jitted with the optimiser's slots as
// inputs and outputs; Adam's bias-corrected step sizes, which change every
// step, are set on the plan's adamUpdate equations before each replay.
import type { OptimizerState } from '../optim/optimizer.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Adam } from '../optim/adam.js';
import type { AdamStep } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import type { NamedTensors, TrainBatch, Trainer, TrainStepResult } from '../train/step.js';
import { jit, makeJit } from './jit.js';
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
  grads: NamedTensors;
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
  const step = (params: NamedTensors, slots: Slots[], x: Tensor | Tensor[], y: Tensor | Tensor[], sampleWeight?: Tensor): StepOut => {
    const state: OptimizerState = { iterations: now.iterations, parameters: slots.map((s, i) => ({ updates: now.updates[i]!, slots: s })) };
    const r = trainer(params, state, sampleWeight === undefined ? { x, y } : { x, y, sampleWeight });
    return { params: r.params, slots: r.optState.parameters.map((p) => p.slots), loss: r.loss, outputs: r.outputs, state: r.state, grads: r.grads };
  };
  const { planFor } = makeJit(step, { cacheSize: 4, name: 'the training step', silent: opts.silent } as Parameters<typeof jit>[1]);
  return (params, state, batch) => {
    // a parameter's first update creates its slots inside the step: run that one eagerly
    if (state.parameters.some((p) => p.updates === 0)) return null;
    now.iterations = state.iterations;
    now.updates = state.parameters.map((p) => p.updates);
    const slots = state.parameters.map((p) => p.slots);
    const args =
      batch.sampleWeight === undefined ? ([params, slots, batch.x, batch.y] as const) : ([params, slots, batch.x, batch.y, batch.sampleWeight] as const);
    const plan = planFor([...args]);
    if (plan === null) return null;
    if (isAdam) {
      const adam = optimizer as Adam;
      const nodes = plan.nodes.filter((n) => n.prim === 'adamUpdate');
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
    const { result } = plan.run(tensorLeaves(args));
    const out = result as StepOut;
    compiledRuns.steps++;
    return {
      params: out.params,
      optState: { iterations: state.iterations + 1, parameters: out.slots.map((s, i) => ({ updates: state.parameters[i]!.updates + 1, slots: s })) },
      loss: out.loss,
      outputs: out.outputs,
      state: out.state,
      grads: out.grads,
      metrics: {},
    };
  };
}

/** f compiled for inference (predict, evaluate): a plan per batch shape, silently eager when f cannot be traced. */
export function compiledInference<A extends unknown[], R>(f: (...args: A) => R, silent: boolean): (...args: A) => R {
  return jit(f, { cacheSize: 4, name: 'inference', silent } as Parameters<typeof jit>[1]) as unknown as (...args: A) => R;
}
