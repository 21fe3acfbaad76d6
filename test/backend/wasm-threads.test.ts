import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { wasmKernels } from '../../src/backend/index.js';
import { gemmTuning } from '../../src/backend/wasm/index.js';

// The ways the wasm backend splits a float32 matrix product among threads (row blocks that
// read B in place, column blocks for few rows, a shared packed B with row and column blocks),
// forced on small products by lowering the thresholds, against the js reference.

const g = new nb.Generator(7);
const rnd = (shape: number[]) => nb.randomNormal(shape, 0, 1, { generator: g });

/** Two threads, the worker started (until then the main thread runs every chunk alone). */
async function twoThreads(): Promise<void> {
  nb.setThreads(2);
  for (let i = 0; i < 500 && wasmKernels()!.workersReady < 1; i++) await new Promise((r) => setTimeout(r, 10));
}

function check(sa: number[], sb: number[], ta: boolean, tb: boolean, what: string): void {
  const a = rnd(sa),
    b = rnd(sb);
  nb.setBackend('js');
  const want = nb.matmul(a, b, ta, tb);
  nb.setBackend('wasm');
  const got = nb.matmul(a, b, ta, tb);
  assert.deepEqual([...got.shape], [...want.shape], `${what}: shape`);
  const k = ta ? sa[sa.length - 2]! : sa[sa.length - 1]!;
  const x = got.storage,
    y = want.storage;
  for (let i = 0; i < x.length; i++) {
    if (!(Math.abs(x[i]! - y[i]!) <= 1e-5 * Math.sqrt(k) * (1 + Math.abs(y[i]!)))) {
      assert.fail(`${what}: [${i}] wasm ${x[i]}, js ${y[i]}`);
    }
  }
}

test('every way of splitting a matmul among threads matches js', { skip: !wasmKernels() }, async () => {
  const saved = { ...gemmTuning };
  await twoThreads();
  try {
    Object.assign(gemmTuning, { parallelMinMacs: 0, wakeMinMacs: 0, minChunkMacs: 1 });
    const cases: [number[], number[]][] = [
      [
        [130, 70],
        [70, 150],
      ],
      [
        [64, 64],
        [64, 64],
      ],
      [
        [300, 40],
        [40, 2100],
      ],
      [
        [5, 300],
        [300, 700],
      ],
      [
        [1, 500],
        [500, 300],
      ],
      [
        [31, 33],
        [33, 35],
      ],
      [
        [2, 3, 50, 40],
        [40, 30],
      ],
      [
        [257, 3],
        [3, 9],
      ],
    ];
    for (const directRows of [64, 0]) {
      gemmTuning.directRows = directRows;
      for (const [sa, sb] of cases) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const r = sa.length;
            const sa2 = ta ? [...sa.slice(0, -2), sa[r - 1]!, sa[r - 2]!] : sa;
            const sb2 = tb ? [...sb.slice(0, -2), sb[sb.length - 1]!, sb[sb.length - 2]!] : sb;
            check(sa2, sb2, ta, tb, `${JSON.stringify(sa2)}${ta ? 'ᵀ' : ''}·${JSON.stringify(sb2)}${tb ? 'ᵀ' : ''} directRows ${directRows}`);
          }
        }
      }
    }
  } finally {
    Object.assign(gemmTuning, saved);
  }
});

test('products at the default thresholds, back to back and after the workers slept, match js', { skip: !wasmKernels() }, async () => {
  await twoThreads();
  for (let round = 0; round < 2; round++) {
    for (const n of [16, 64, 100, 128, 200, 256]) check([n, n], [n, n], false, false, `${n}×${n} round ${round}`);
    check([128, 784], [784, 256], false, false, `128×784·784×256 round ${round}`);
    await new Promise((r) => setTimeout(r, 5)); // the workers go to sleep
  }
});

test('switching the thread count back and forth between products keeps every product right', { skip: !wasmKernels() }, async () => {
  await twoThreads();
  for (let i = 0; i < 20; i++) {
    nb.setThreads(1);
    check([150, 120], [120, 140], false, false, `1 thread, switch ${i}`);
    nb.setThreads(2);
    check([150, 120], [120, 140], false, false, `2 threads, switch ${i}`);
  }
  assert.equal(nb.getThreads(), 2);
});
