/** The first byte after the kernels' static data: the JavaScript arena starts at or after it. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Gathers rows: copies row `idx[k]` of `src` (rows of `rowBytes` bytes) to
 * row k of `out`, for k < n (`idx` holds n int32 row numbers, checked in
 * range by the caller). fit's batches, picked from the data in place.
 */
export function gatherRows(src: usize, rowBytes: i32, idx: usize, n: i32, out: usize): void {
  const bytes = <usize>rowBytes;
  for (let k = 0; k < n; k++) {
    const row = <usize>load<i32>(idx + (<usize>k << 2));
    memory.copy(out + <usize>k * bytes, src + row * bytes, bytes);
  }
}
