/** The first byte after the kernels' static data: the JavaScript arena starts at or after it. */
export function heapBase(): usize {
  return __heap_base;
}
