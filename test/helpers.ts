import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import * as nb from '../src/index.js';
import { wasmKernels } from '../src/backend/index.js';

/** Reads test/fixtures/NAME, found by walking up from this (compiled) file. */
export function loadFixture<T = unknown>(name: string): T {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', name);
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8')) as T;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`fixture ${name} not found`);
    dir = parent;
  }
}

/** A tensor as stored in the JSON fixtures. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float64' | 'int32' | 'bool';
  data: number[];
}

/** A fixture tensor as a nabla tensor (float64 data may be read as float32). */
export function fromFixture(t: FixtureTensor, floatType: 'float32' | 'float64' = 'float64'): nb.Tensor {
  const dtype = t.dtype === 'float64' ? floatType : t.dtype;
  return nb.tensor(t.data, t.shape, dtype);
}

/**
 * Asserts that `actual` has `expected`'s shape and that every value is within
 * atol + rtol·|expected|.
 */
export function assertClose(actual: nb.Tensor, expected: { shape: readonly number[]; data: ArrayLike<number> }, rtol: number, atol: number, what = ''): void {
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape`);
  const a = actual.storage;
  for (let i = 0; i < a.length; i++) {
    const e = expected.data[i]!;
    const ok = Math.abs(a[i]! - e) <= atol + rtol * Math.abs(e);
    if (!ok) assert.fail(`${what}: element ${i} is ${a[i]}, expected ${e} (rtol ${rtol}, atol ${atol})`);
  }
}

/** A reproducible float64 tensor with normal entries. */
export function randn(shape: number[], seed: number): nb.Tensor {
  return nb.randomNormal(shape, 0, 1, { dtype: 'float64', generator: new nb.Generator(seed) });
}

/**
 * Runs a describe block's tests on `backend`; on wasm, small inputs go to the
 * wasm kernels too (normally they stay in JS), so small fixtures test them.
 */
export function useBackend(backend: string): void {
  const wasm = wasmKernels();
  let saved = 0;
  before(() => {
    nb.setBackend(backend);
    if (wasm) {
      saved = wasm.minElements;
      wasm.minElements = 1;
    }
  });
  after(() => {
    if (wasm) wasm.minElements = saved;
    nb.setBackend('wasm');
  });
}
