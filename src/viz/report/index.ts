/** nb.viz's run report page: reportPage and the helpers that prepare its data. */
export { reportPage } from './page.js';
export { modelTable } from './model-table.js';
export type { TabulatedModel } from './model-table.js';
export { findMisclassified } from './misclassified.js';
export type { FindMisclassifiedOptions } from './misclassified.js';
export type { ReportPageData, ModelTable, ModelTableRow, MisclassifiedData, MisclassifiedExample, WeightsData } from './types.js';
