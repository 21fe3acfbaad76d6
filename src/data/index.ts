// nb.data: data sets shipped with the package, file loaders (IDX/MNIST, CSV),
// splitting, one-hot encoding and feature scaling. Depends on core and tensor
// only (no nn); file access goes through Node's built-ins, reached at run time;
// every loader also has a form that takes bytes and works in a page.
export { loadDigits, loadDigitsAsync } from './digits.js';
export type { Digits } from './digits.js';
export {
  parseIdx,
  parseIdxAsync,
  parseMnist,
  parseMnistAsync,
  parseMnistSet,
  loadIdx,
  loadMnist,
  loadFashionMnist,
  FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
} from './idx.js';
export type { MnistData, MnistKind, MnistOptions, MnistBytes } from './idx.js';
export type { Bytes } from './bytes.js';
export { parseCsv, parseCsvAsync, loadCsv } from './csv.js';
export { setReadLimits } from './node.js';
export type { ReadLimits } from './node.js';
export type { CsvData, CsvOptions } from './csv.js';
export { trainTestSplit } from './split.js';
export type { TrainTestSplit, TrainTestSplitOptions } from './split.js';
export { toCategorical } from './categorical.js';
export { StandardScaler, MinMaxScaler, standardScaler, minMaxScaler, scalerFromJSON } from './scalers.js';
export type { StandardScalerJSON, MinMaxScalerJSON, ScalerJSON } from './scalers.js';
