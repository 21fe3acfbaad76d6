// nb.initializers: weight initialisers by their TF.js names.
export {
  zeros,
  ones,
  glorotUniform,
  glorotNormal,
  heNormal,
  heUniform,
  randomNormalInit as randomNormal,
  randomUniformInit as randomUniform,
  getInitializer,
  fans,
} from './initializers.js';
export type { Initializer, InitializerName, InitializerSpec, InitializerSpelling } from './initializers.js';
export type { InitializerSpecOrOrthogonal } from './layers/orthogonal.js';
