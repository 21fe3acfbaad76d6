import * as nb from '../index.js';

/** Per-class precision, recall and F1 with support, and the confusion matrix, as text tables. */
export function classificationReport(labels: number[], predicted: number[], numClasses: number): { text: string; matrix: number[][]; accuracy: number; perClass: { precision: number[]; recall: number[]; f1: number[] } } {
  const matrix = nb.metrics.confusionMatrix(labels, predicted, numClasses);
  const precision = nb.metrics.precision(labels, predicted, { numClasses, average: 'none' });
  const recall = nb.metrics.recall(labels, predicted, { numClasses, average: 'none' });
  const f1 = nb.metrics.f1(labels, predicted, { numClasses, average: 'none' });
  const correct = labels.filter((l, i) => l === predicted[i]).length;
  const accuracy = correct / labels.length;
  const pct = (v: number) => (100 * v).toFixed(1).padStart(6);
  const lines = [`test accuracy: ${(100 * accuracy).toFixed(2)}% (${correct}/${labels.length})`, '', 'class  precision  recall      f1  support'];
  for (let c = 0; c < numClasses; c++) {
    const support = matrix[c]!.reduce((a, b) => a + b, 0);
    lines.push(`${String(c).padStart(5)}     ${pct(precision[c]!)}  ${pct(recall[c]!)}  ${pct(f1[c]!)}  ${String(support).padStart(7)}`);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  lines.push(`macro      ${pct(mean(precision))}  ${pct(mean(recall))}  ${pct(mean(f1))}  ${String(labels.length).padStart(7)}`);
  lines.push('', 'confusion matrix (rows: true class, columns: predicted)');
  const width = Math.max(3, ...matrix.flat().map((v) => String(v).length)) + 1;
  lines.push('     ' + Array.from({ length: numClasses }, (_, c) => String(c).padStart(width)).join(''));
  matrix.forEach((row, c) => lines.push(String(c).padStart(5) + row.map((v) => String(v).padStart(width)).join('')));
  return { text: lines.join('\n'), matrix, accuracy, perClass: { precision, recall, f1 } };
}
