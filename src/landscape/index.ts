// Loss landscapes of the real model (issue 13 §2): the loss on a plane or a
// line of parameter space, the recorded training path and its projection.
export { landscape, landscape1d } from './landscape.js';
export { Landscape, Landscape1d } from './result.js';
export type { LandscapeOptions, Landscape1dOptions, LandscapeCommonOptions, LandscapeDirections, SliceDirection } from './landscape.js';
export { projectPath } from './project.js';
export type { ProjectPathOptions, ProjectedPath, PathForChart } from './project.js';
export { parameterPath, ParameterPath } from './path.js';
export type { ParameterPathArgs } from './path.js';
export type { WeightRef } from './directions.js';
