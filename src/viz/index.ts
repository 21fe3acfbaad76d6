/**
 * nb.viz: charts as standalone SVG documents (strings), written by hand with
 * no dependencies, so they work the same in Node and in the browser. Each
 * function returns a complete `<svg>` document with a `<title>`: write it to
 * a .svg file, or put it in a page's HTML. The output is deterministic: the
 * same input gives the same string.
 */
export { lineChart, historyCharts } from './line.js';
export type { LineSeries, LineChartOptions, HistoryCharts, HistoryChartOptions } from './line.js';
export { confusionMatrixChart } from './confusion.js';
export type { ConfusionMatrixChartOptions } from './confusion.js';
export { weightImages, imageGrid } from './images.js';
export type { TensorData, ImageSource, WeightImagesOptions, ImageGridOptions } from './images.js';
export { scatterChart } from './scatter.js';
export type { ScatterPoint, ScatterChartOptions } from './scatter.js';
export { niceTicks, escapeXml, CATEGORICAL } from './svg.js';
export { sideBySide } from './layout.js';
export { heatmap } from './heatmap.js';
export type { HeatmapOptions } from './heatmap.js';
export { sharpnessChart } from './sharpness.js';
export type { SharpnessPoint, SharpnessChartOptions } from './sharpness.js';
export { reportPage, modelTable, findMisclassified } from './report/index.js';
export type {
  ReportPageData,
  ModelTable,
  ModelTableRow,
  MisclassifiedData,
  MisclassifiedExample,
  WeightsData,
  TabulatedModel,
  FindMisclassifiedOptions,
} from './report/index.js';
export { graph } from './graph/index.js';
export type { GraphOptions } from './graph/index.js';
export { contourChart } from './contour.js';
export type { ContourChartOptions } from './contour.js';
export type { SurfaceGrid, SurfacePath, SurfaceMarker } from './grid.js';
export { surfaceChart } from './surface.js';
export type { SurfaceChartOptions } from './surface.js';
export { surfaces } from './descent/surfaces.js';
export type { TestSurface, OptimizerName } from './descent/surfaces.js';
export { descentPaths, surfaceGrid } from './descent/paths.js';
export type { DescentPath, DescentPathsOptions, SurfaceGridOptions } from './descent/paths.js';
export { descentChart, learningRatesChart } from './descent/charts.js';
export type { DescentChartOptions, DescentCharts, LearningRatesChartOptions } from './descent/charts.js';
export { tangentChart, curves } from './descent/tangent.js';
export type { TangentChartOptions, Curve } from './descent/tangent.js';
