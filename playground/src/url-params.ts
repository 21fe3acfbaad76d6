// Reading a lab's settings from the URL hash: a value that is missing, unknown
// or out of range falls back to the default, so a shared link never breaks a lab.

/** `v` if it is one of `options`, else `fallback`. */
export const pick = <T extends string>(options: readonly T[], v: string | null, fallback: T): T =>
  v !== null && (options as readonly string[]).includes(v) ? (v as T) : fallback;

/** `v` as a number in [lo, hi] (an integer if asked), else `fallback`. */
export const num = (v: string | null, fallback: number, lo: number, hi: number, integer = false): number => {
  if (v === null || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) && n >= lo && n <= hi && (!integer || Number.isInteger(n)) ? n : fallback;
};
