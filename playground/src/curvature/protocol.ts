// Messages between the Curvature lab's page and its worker.
import type { EngineInfo } from '../lab.js';
import type { CurvConfig } from './config.js';

export type ToWorker = { type: 'reset'; id: number; config: CurvConfig; play: boolean } | { type: 'play' } | { type: 'pause' } | { type: 'step' };

export interface CurvSnapshot {
  type: 'snapshot';
  id: number;
  steps: number;
  running: boolean;
  /** The full-batch loss before each step taken since the previous snapshot. */
  losses: { step: number; loss: number }[];
  /** The sharpness measurements since the previous snapshot: λ_max of the loss's Hessian at that step. */
  sharpness: { step: number; value: number; converged: boolean }[];
  diverged: boolean;
}

export type FromWorker = ({ type: 'ready' } & EngineInfo) | CurvSnapshot | { type: 'error'; message: string };
