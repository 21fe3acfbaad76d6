import type { Variable } from '../tensor/variable.js';
import type { Layer } from '../nn/layer.js';
import type { SymbolicTensor } from '../nn/symbolic.js';
import { summaryTable } from './summary-table.js';

/**
 * The text of a functional model's summary (Keras's): a row per layer with
 * its output shape, parameter count and what it is connected to, the
 * outputs of other layers as `layer[call][output]` (one per line when it
 * takes several, each call of a shared layer in turn); then the totals,
 * counting a shared layer's weights once.
 */
export function functionalSummary(
  name: string,
  layers: readonly Layer[],
  steps: readonly { layer: Layer; inputs: SymbolicTensor[]; output: SymbolicTensor }[],
  ref: (t: SymbolicTensor) => [string, number, number],
  params: readonly Variable[],
): string {
  const rows: string[][] = [['Layer (type)', 'Output shape', 'Param #', 'Connected to']];
  const shape = (t: SymbolicTensor) => `[${t.shape.map((d) => d ?? 'null').join(',')}]`;
  for (const layer of layers) {
    const calls = steps.filter((s) => s.layer === layer);
    const out = calls[0]?.output ?? (layer as unknown as { output?: SymbolicTensor }).output;
    const connected = calls.flatMap((s) => s.inputs.map((t) => ref(t)).map(([n, c, o]) => `${n}[${c}][${o}]`));
    const first = connected[0] ?? '-';
    rows.push([`${layer.name} (${layer.className})`, out ? shape(out) : '?', String(layer.countParams()), first]);
    for (const more of connected.slice(1)) rows.push(['', '', '', more]);
  }
  const total = params.reduce((n, v) => n + v.size, 0);
  const trainable = params.filter((v) => v.trainable).reduce((n, v) => n + v.size, 0);
  return summaryTable(name, rows, total, trainable);
}
