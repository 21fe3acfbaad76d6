import * as nb from '../index.js';

/** A classifier's scores on labelled data, as classificationReport returns them. */
export interface ClassificationReport {
  text: string;
  matrix: number[][];
  accuracy: number;
  /** The accuracy of always answering the most common class of these labels. */
  chance: number;
  perClass: { precision: number[]; recall: number[]; f1: number[] };
}

/** Per-class precision, recall and F1 with support, and the confusion matrix, as text tables (rows named by the class names). */
export function classificationReport(labels: number[], predicted: number[], numClasses: number, classNames?: readonly string[]): ClassificationReport {
  const matrix = nb.metrics.confusionMatrix(labels, predicted, numClasses);
  const precision = nb.metrics.precision(labels, predicted, { numClasses, average: 'none' });
  const recall = nb.metrics.recall(labels, predicted, { numClasses, average: 'none' });
  const f1 = nb.metrics.f1(labels, predicted, { numClasses, average: 'none' });
  const correct = labels.filter((l, i) => l === predicted[i]).length;
  const accuracy = correct / labels.length;
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const chance = Math.max(...support) / labels.length;
  const names = Array.from({ length: numClasses }, (_, c) => {
    const n = classNames?.[c] ?? String(c);
    return n.length > 24 ? `${n.slice(0, 23)}…` : n;
  });
  const nameWidth = Math.max(5, ...names.map((n) => n.length));
  const pct = (v: number) => (100 * v).toFixed(1).padStart(6);
  const lines = [
    `test accuracy: ${(100 * accuracy).toFixed(2)}% (${correct}/${labels.length})`,
    '',
    `${'class'.padStart(nameWidth)}  precision  recall      f1  support`,
  ];
  for (let c = 0; c < numClasses; c++) {
    lines.push(`${names[c]!.padStart(nameWidth)}     ${pct(precision[c]!)}  ${pct(recall[c]!)}  ${pct(f1[c]!)}  ${String(support[c]).padStart(7)}`);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  lines.push(`${'macro'.padStart(nameWidth)}     ${pct(mean(precision))}  ${pct(mean(recall))}  ${pct(mean(f1))}  ${String(labels.length).padStart(7)}`);
  lines.push('', 'confusion matrix (rows: true class, columns: predicted)');
  const width = Math.max(3, ...matrix.flat().map((v) => String(v).length)) + 1;
  lines.push(' '.repeat(nameWidth) + Array.from({ length: numClasses }, (_, c) => String(c).padStart(width)).join(''));
  matrix.forEach((row, c) => lines.push(names[c]!.padStart(nameWidth) + row.map((v) => String(v).padStart(width)).join('')));
  if (classNames && names.some((n, c) => n !== String(c))) lines.push('', `columns: ${names.map((n, c) => `${c} ${n}`).join(', ')}`);
  return { text: lines.join('\n'), matrix, accuracy, chance, perClass: { precision, recall, f1 } };
}

/** A regression model's scores: R², MAE, MSE and RMSE of the predictions. */
export interface RegressionReport {
  text: string;
  r2: number;
  mae: number;
  mse: number;
  rmse: number;
}

/**
 * R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (1 is perfect, 0 is no better than
 * predicting the mean), MAE = mean |y − ŷ|, MSE = mean (y − ŷ)², RMSE = √MSE.
 */
export function regressionReport(targets: ArrayLike<number>, predicted: ArrayLike<number>, label = 'test'): RegressionReport {
  const n = targets.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += targets[i]!;
  mean /= n;
  let ssRes = 0,
    ssTot = 0,
    abs = 0;
  for (let i = 0; i < n; i++) {
    const e = targets[i]! - predicted[i]!;
    ssRes += e * e;
    abs += Math.abs(e);
    ssTot += (targets[i]! - mean) ** 2;
  }
  const mse = ssRes / n,
    mae = abs / n,
    rmse = Math.sqrt(mse);
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : -Infinity;
  const fmt = (v: number) => ((Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6) || v === 0 ? v.toFixed(4) : v.toExponential(4));
  const text = `${label} R²: ${fmt(r2)}  MAE: ${fmt(mae)}  RMSE: ${fmt(rmse)}  MSE: ${fmt(mse)} (${n} examples)`;
  return { text, r2, mae, mse, rmse };
}
