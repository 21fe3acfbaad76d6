/**
 * The text of the live progress line (what ProgressLogger draws in a
 * terminal), laid out to fit a width. Pure functions: no terminal, no clock.
 *
 *     Epoch 3/50  18/45 ━━━━━━━━────────── ETA 0.6s  loss 0.3121  accuracy 0.9120
 *     Epoch 3/50  45/45 ━━━━━━━━━━━━━━━━━━ 1.4s  loss 0.3056  accuracy 0.9150  val_loss 0.3302
 */

/** What one line shows. */
export interface LineParts {
  /** 'Epoch 3/50'. */
  epoch: string;
  /** Batches done and batches per epoch (total NaN when unknown: no bar, the count alone). */
  done: number;
  total: number;
  /** 'ETA 0.6s' while the epoch runs, its duration '1.4s' once finished, or '' (not known yet). */
  time: string;
  /** The figures, most important first (the loss). */
  fields: readonly (readonly [string, number])[];
}

/** The widest bar, and the narrowest worth drawing (narrower, the bar is dropped). */
export const BAR_MAX = 30;
export const BAR_MIN = 10;

/** A figure as the line shows it: 4 decimals, or 4 significant digits in exponent form below 0.001. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3);
}

/** A duration: '0.4s' below 10 s, '12s' below a minute, '3m05s', '2h07m'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  if (seconds < 59.5) return `${Math.round(seconds)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A bar of `width` characters, the share `fraction` ∈ [0, 1] of them filled: ━━━━──────. */
export function bar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.floor(fraction * width)));
  return '━'.repeat(filled) + '─'.repeat(width - filled);
}

/**
 * The line for `parts`, at most `width` characters. What does not fit is
 * left out in this order: the bar (first narrowed from BAR_MAX to BAR_MIN),
 * the batch count, the time, the figures from the last one back (never the
 * first, the loss), the epoch; only then is the line cut.
 */
export function layoutLine(parts: LineParts, width: number): string {
  const known = Number.isFinite(parts.total) && parts.total > 0;
  const count = known ? `${parts.done}/${parts.total}` : `${parts.done}`;
  const fields = parts.fields.map(([k, v]) => `${k} ${formatValue(v)}`);
  const keep = { epoch: true, count: true, time: parts.time !== '', fields: fields.length };
  const compose = (barWidth: number): string => {
    const progress = [keep.count ? count : '', barWidth > 0 ? bar(parts.done / parts.total, barWidth) : '', keep.time ? parts.time : '']
      .filter((s) => s !== '')
      .join(' ');
    return [keep.epoch ? parts.epoch : '', progress, ...fields.slice(0, keep.fields)].filter((s) => s !== '').join('  ');
  };
  if (known) {
    // the bar sits after the count: one space before it, one after it (or two before the figures)
    const room = width - compose(0).length - 1;
    if (room >= BAR_MIN) return compose(Math.min(BAR_MAX, room));
  }
  const drops: (() => boolean)[] = [
    () => keep.count && !(keep.count = false),
    () => keep.time && !(keep.time = false),
    ...fields.slice(1).map(() => () => keep.fields > 1 && (keep.fields--, true)),
    () => keep.epoch && !(keep.epoch = false),
  ];
  let line = compose(0);
  for (const drop of drops) {
    if (line.length <= width) break;
    if (drop()) line = compose(0);
  }
  return line.length <= width ? line : line.slice(0, Math.max(0, width));
}
