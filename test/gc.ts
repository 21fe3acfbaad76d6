// Garbage collection on demand for the memory tests (imported only by them:
// importing it turns on --expose-gc for the process).
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The V8 heap's used size after two full collections (finalizers of the first run before the second). */
export function heapAfterGc(): number {
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size;
}
