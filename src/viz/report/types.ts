/**
 * The data a run report page shows (see reportPage). Every field is optional:
 * a section whose data is absent is left out of the page.
 */
import type { ImageSource } from '../images.js';

/** One row of the model table: a layer, its output shape and its parameter count. */
export interface ModelTableRow {
  name: string;
  /** The layer's class (Dense, Conv2D, ...). */
  type: string;
  /** The output shape, as text: "[null,64]" (null is the batch dimension). */
  outputShape: string;
  params: number;
}

/** The model summary table (what model.summary() prints), as data; modelTable(model) makes it. */
export interface ModelTable {
  name: string;
  layers: readonly ModelTableRow[];
  totalParams: number;
  trainableParams: number;
}

/** One example the model got wrong. */
export interface MisclassifiedExample {
  /** Its row in the evaluated data, from 0. */
  index: number;
  /** The true class. */
  label: number;
  /** The predicted class (the most probable one). */
  predicted: number;
  /** The model's probability of each class. */
  probabilities: readonly number[];
  /** The input's values, flattened (pixels row by row, or the feature values). */
  input: readonly number[];
}

/** The misclassified-examples section: the examples, and how to show their inputs. */
export interface MisclassifiedData {
  /** The examples listed (findMisclassified picks the most confident mistakes first). */
  examples: readonly MisclassifiedExample[];
  /** How many examples were evaluated. */
  total: number;
  /** How many of them the model got wrong (the examples listed may be fewer). */
  wrong: number;
  /** `[h, w]`: draw each input as an h×w grayscale image; otherwise the inputs are a table of feature values. */
  imageShape?: readonly [number, number];
  /** The input values drawn white and black (default: each image's [min(0, smallest), largest]). */
  pixelRange?: readonly [number, number];
  /** The feature names, the table's column headings (default x1, x2, ...). */
  featureNames?: readonly string[];
  /** How many of the most probable classes to list per example (default 3). */
  top?: number;
}

/** The first layer's weights: a Dense kernel [in, units] or a convolution kernel, drawn with nb.viz.weightImages. */
export interface WeightsData {
  kernel: ImageSource;
  /** The [height, width] of one image (see weightImages). */
  imageShape?: readonly [number, number];
  /** The figure's caption and the chart's title. */
  title?: string;
}

/** What reportPage draws: each field fills a section; absent fields leave their section out. */
export interface ReportPageData {
  /** The page heading and its `<title>` (default "Training report"). */
  title?: string;
  /** A line under the heading (the run's status, say). */
  subtitle?: string;
  /** Summary facts, in order, as [label, value] pairs: data set, examples, optimiser, training time, ... */
  facts?: readonly (readonly [string, string | number])[];
  /** The model's layers (modelTable(model) makes it from a Sequential). */
  model?: ModelTable;
  /** The final metrics as [name, value] pairs (numbers are printed with 4 significant digits). */
  metrics?: readonly (readonly [string, string | number])[];
  /** The training history (History.history: loss, val_loss, accuracy, ...): drawn with nb.viz.historyCharts. */
  history?: Readonly<Record<string, readonly number[]>>;
  /** The class names, for the confusion matrix and the misclassified examples (default 0, 1, ...). */
  classNames?: readonly string[];
  /** The confusion matrix, rows the true class and columns the predicted one (nb.metrics.confusionMatrix). */
  confusion?: readonly (readonly number[])[];
  /** The first layer's weights, drawn as images. */
  weights?: WeightsData;
  /** Examples the model got wrong, with their probabilities (findMisclassified makes them). */
  misclassified?: MisclassifiedData;
  /** The model's equations, one LaTeX display equation each (model.explain({ format: 'latex' })), typeset as MathML. */
  equations?: readonly string[];
  /** The loss landscape: an SVG document, or several side by side (nb.viz's contour map and 3-D surface). */
  landscape?: string | readonly string[];
  /** The sharpness curve, an SVG document. */
  sharpness?: string;
}
