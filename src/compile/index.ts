export { jit } from './jit.js';
export type { JitOptions, JitStats, Jitted, JitPlanInfo } from './jit.js';
export { Plan } from './plan.js';
