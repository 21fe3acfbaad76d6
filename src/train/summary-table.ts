/**
 * The text of a model's summary as Keras prints it: the model's name, the
 * table (`rows[0]` its header, each column padded to its widest cell plus
 * two spaces) between rules, then the parameter totals.
 */
export function summaryTable(name: string, rows: readonly string[][], total: number, trainable: number): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)) + 2);
  const rule = '_'.repeat(widths.reduce((a, b) => a + b, 0));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('')
      .trimEnd();
  return [
    `Model: "${name}"`,
    rule,
    line(rows[0]!),
    '='.repeat(rule.length),
    ...rows.slice(1).map(line),
    '='.repeat(rule.length),
    `Total params: ${total}`,
    `Trainable params: ${trainable}`,
    `Non-trainable params: ${total - trainable}`,
    rule,
  ].join('\n');
}
