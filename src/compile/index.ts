export { jit } from './jit.js';
export type { JitOptions, JitStats, Jitted } from './jit.js';
export { Plan } from './plan.js';
