export { trace, spec, Spec } from './trace.js';
export type { TraceOptions } from './trace.js';
export { Program, symbolicDim } from './program.js';
export { runProgram } from './run.js';
export type { Dim, Equation, ProgramVar, ProgramConstant, ProgramParam, ProgramUpdate, ProgramData, VarKind } from './program.js';
