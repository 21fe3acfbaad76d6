// nb.data: data sets shipped with the package.
export { loadDigits } from './digits.js';
export type { Digits } from './digits.js';
