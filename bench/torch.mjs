// PyTorch beside nabla in the benchmark: runs bench/torch_bench.py through /usr/bin/python3 on data
// and initial weights exported from the Node side, so both train on identical inputs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.NABLA_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(here, 'torch_bench.py');

/** PyTorch's thread counts in every PyTorch row: 0 = its default, then 1 and 2 (torch.set_num_threads). */
export const TORCH_THREADS = [0, 1, 2];

let probe = null;
// Prints torch's version, its default threads and the BLAS libraries mapped after a product
// (from /proc/self/maps, resolved through Debian's alternatives symlinks), read before numpy is
// imported so that numpy's own BLAS is not counted (unless torch loaded numpy itself). A BLAS
// linked into torch statically (pip's MKL builds) is not a mapped file: none is listed then.
const PROBE = `import os, torch
torch.mm(torch.ones(64, 64), torch.ones(64, 64))
libs = set()
try:
    for line in open('/proc/self/maps'):
        fields = line.split(None, 5)
        if len(fields) < 6: continue
        f = fields[5].strip()
        if f.endswith(' (deleted)'): f = f[:-len(' (deleted)')]
        if 'blas' in os.path.basename(f): libs.add(os.path.realpath(f).replace(' ', '%20'))
except OSError:
    pass
import numpy
print(torch.__version__, torch.get_num_threads(), ','.join(sorted(libs)) or '?')`;

/**
 * { ok, version, defaultThreads, blas, referenceBlas } or { ok: false, reason } (no python, no
 * torch, no numpy). `blas` lists the BLAS libraries PyTorch loaded; `referenceBlas` is true when
 * Debian's reference BLAS (libblas3) is among them (it then answers libblas.so.3's calls), about 10x slower than OpenBLAS on products.
 */
export function torchInfo() {
  if (probe) return probe;
  try {
    const out = execFileSync(PYTHON, ['-c', PROBE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60000,
    });
    const [version, threads, libs] = out.trim().split(/\s+/);
    const blas = libs === '?' ? [] : libs.split(',');
    const referenceBlas = blas.some((l) => /\/blas\/libblas\.so/.test(l));
    probe = { ok: true, version, defaultThreads: Number(threads), python: PYTHON, blas, referenceBlas };
  } catch (e) {
    const why = String(e?.stderr ?? e?.message ?? e)
      .trim()
      .split('\n')
      .pop();
    probe = { ok: false, reason: `${PYTHON} cannot import torch and numpy (${why})` };
  }
  return probe;
}

/**
 * Runs PyTorch on `sections` ({ name: { kind, ...workload } }); values that are typed arrays with a
 * `shape` beside them ({ data, shape }) are written to raw float32 files first. Returns the
 * script's JSON ({ [name]: { results } | { error } }) or { error } when the run failed as a whole.
 */
export function runTorch(sections) {
  const info = torchInfo();
  if (!info.ok) return { error: info.reason };
  const dir = mkdtempSync(join(os.tmpdir(), 'nabla-torch-'));
  let files = 0;
  const exportArrays = (v) => {
    if (v && typeof v === 'object' && ArrayBuffer.isView(v.data) && Array.isArray(v.shape)) {
      const path = join(dir, `t${files++}.f32`);
      const f = Float32Array.from(v.data);
      writeFileSync(path, new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
      return { path, shape: v.shape };
    }
    if (Array.isArray(v)) return v.map(exportArrays);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exportArrays(x)]));
    return v;
  };
  try {
    const spec = join(dir, 'spec.json'),
      out = join(dir, 'out.json');
    writeFileSync(spec, JSON.stringify({ threads: TORCH_THREADS, sections: exportArrays(sections) }));
    execFileSync(PYTHON, [SCRIPT, spec, out], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30 * 60 * 1000 });
    return JSON.parse(readFileSync(out, 'utf8'));
  } catch (e) {
    return {
      error: `torch_bench.py failed: ${
        String(e?.stderr ?? e?.message ?? e)
          .trim()
          .split('\n')
          .slice(-1)[0]
      }`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A nabla tensor as { data, shape } for runTorch. */
export const exported = (t) => ({ data: t.data(), shape: [...t.shape] });

/** A label for one PyTorch row: 'PyTorch 1t', 'PyTorch default (1t)'. */
export const torchLabel = (r) => (r.requested === 0 ? `PyTorch def ${r.threads}t` : `PyTorch ${r.threads}t`);

/** The PyTorch row with the smallest value of `key` (time), or the largest when `higher` (GFLOP/s). */
export function bestTorch(rows, key, higher = false) {
  let best = null;
  for (const r of rows ?? []) if (r[key] != null && (best === null || (higher ? r[key] > best[key] : r[key] < best[key]))) best = r;
  return best;
}
