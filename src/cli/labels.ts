// How the CLI turns a CSV's label column into classes (or regression targets),
// and how a saved model's metadata maps labels back when it is evaluated.
import { CliError } from './errors.js';

/** More distinct labels than this is not a classification problem the CLI will build. */
export const MAX_CLASSES = 1000;

/** The label mapping a classifier keeps in `model.metadata`. */
export interface ClassMapping {
  /** The name of each output class, in output order. */
  classNames: string[];
  /** For numeric labels, the label value of each class (classNames[k] = String(labelValues[k])). */
  labelValues?: number[];
}

/**
 * Classes from a label column's cells (trimmed text, one per row):
 * - any cell that is not a number: text labels, one class per distinct text, in sorted order;
 * - whole numbers: one class per distinct value, in increasing order, so 1..3 or
 *   0/100/200 become classes 0..K−1 (with labelValues remembering the values);
 * - a decimal number: an error saying to use --task regression.
 * `lines` gives each row's line number for messages.
 */
export function encodeClasses(cells: readonly string[], lines: ArrayLike<number>, source: string): ClassMapping & { labels: Int32Array } {
  const empty = cells.indexOf('');
  if (empty >= 0) throw new CliError(`${source}: line ${lines[empty]} has no label (the last column is empty)`);
  const numbers = cells.map(Number);
  const numeric = numbers.every((v) => Number.isFinite(v));
  let mapping: ClassMapping;
  let keys: (string | number)[];
  if (numeric) {
    const bad = numbers.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0) {
      throw new CliError(`${source}: the labels hold decimal values (${cells[bad]} on line ${lines[bad]}); for a numeric target use --task regression`);
    }
    const values = [...new Set(numbers)].sort((a, b) => a - b);
    mapping = { classNames: values.map(String), labelValues: values };
    keys = numbers;
  } else {
    const names = [...new Set(cells)].sort();
    mapping = { classNames: names };
    keys = [...cells];
  }
  const k = mapping.classNames.length;
  if (k > MAX_CLASSES) {
    throw new CliError(`${source}: the labels take ${k} different values, more than ${MAX_CLASSES} classes; for a numeric target use --task regression`);
  }
  if (k < 2) throw new CliError(`${source}: every row has the label ${mapping.classNames[0]}; a classifier needs at least two classes`);
  const index = new Map<string | number, number>((mapping.labelValues ?? mapping.classNames).map((v, i) => [v, i]));
  return { ...mapping, labels: Int32Array.from(keys, (v) => index.get(v)!) };
}

/**
 * Class indices of labels under a saved model's mapping: numeric labels are
 * looked up by value, text labels by name. A label the model does not know
 * is an error naming its line.
 */
export function applyClasses(cells: readonly string[], lines: ArrayLike<number>, mapping: ClassMapping, source: string): Int32Array {
  const index = new Map<string, number>();
  if (mapping.labelValues) mapping.labelValues.forEach((v, i) => index.set(String(v), i));
  else mapping.classNames.forEach((n, i) => index.set(n, i));
  return Int32Array.from(cells, (cell, i) => {
    const key = mapping.labelValues ? String(Number(cell)) : cell;
    const k = cell === '' ? undefined : index.get(key);
    if (k === undefined) {
      const known = mapping.classNames.length <= 12 ? mapping.classNames.join(', ') : `${mapping.classNames.slice(0, 12).join(', ')}, …`;
      throw new CliError(`${source}: line ${lines[i]}: label ${JSON.stringify(cell)} is not one of the model's classes (${known})`);
    }
    return k;
  });
}

/** Regression targets from a label column: every cell must be a finite number. */
export function numericTargets(cells: readonly string[], lines: ArrayLike<number>, source: string): Float32Array {
  return Float32Array.from(cells, (cell, i) => {
    const v = cell === '' ? NaN : Number(cell);
    if (!Number.isFinite(Math.fround(v))) {
      throw new CliError(
        `${source}: line ${lines[i]}: the target ${JSON.stringify(cell)} is not a finite float32 number (--task regression needs numbers in the last column)`,
      );
    }
    return v;
  });
}
