// What `npm pack` would publish, and how a bundler tree-shakes it.
//
// - The tarball's file list (`npm pack --dry-run --json`, scripts skipped: the test suite
//   has just built dist/): the library, its types, the bin, the digits data, LICENSE,
//   README and CHANGELOG; no tests, sources, build output, kernels' sources or source maps
//   (dist is compiled without maps: they would point at src/, which is not shipped).
// - Its size: bounded unpacked and no file over 96 KiB (see SIZE below).
// - package.json's `sideEffects` lists every module that does something when imported
//   (installs tensor methods, starts the wasm backend, registers layer and model classes):
//   a scan of src/ finds them; and an esbuild bundle of `import { tensor } from 'nabla'`
//   runs and leaves out viz/, landscape/, data/, while a bundle that only loads a model from
//   bytes still finds the Sequential and Dense classes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import ts from 'typescript';
import * as nb from '../src/index.js';
import { encodeModel } from '../src/io/model-file.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  sideEffects: string[];
  files: string[];
  bin: Record<string, string>;
  exports: Record<string, Record<string, string>>;
};

interface PackFile {
  path: string;
  size: number;
}
interface Pack {
  size: number;
  unpackedSize: number;
  files: PackFile[];
}
const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }))[0] as Pack;
const paths = new Set(pack.files.map((f) => f.path));

const work = mkdtempSync(join(tmpdir(), 'nabla-package-'));
after(() => rmSync(work, { recursive: true, force: true }));

/**
 * The size bounds. Today (December 2026, with nabla/onnx, nb.tfjs and the playground) the package is
 * ~2.25 MB unpacked, ~0.78 MB packed; its largest files are the playground's worker bundle (~270 KB: nabla
 * and its kernels bundled for the page), README.md (~80 KB), the embedded digits (~58 KB, gzipped, base64),
 * the shipped digits CSV (~58 KB) and the embedded wasm kernels (~51 KB: two builds in base64). 2.5 MiB
 * leaves ~15% for growth and fails on the regressions seen before: source maps in the package (+1.15 MB),
 * the sources or the tests (+1.8 MB each). The per-file bound (the built playground's assets apart, which
 * have their own) fails on a wasm module embedded twice or a base64 literal typed into a .d.ts (both once
 * made ~100 KB files). The built playground is bounded on its own: its five labs share one worker script
 * that carries nabla once (~300 KB); the Calculus lab's chunk carries three.js (~565 KB) and the
 * Equations lab's KaTeX (~270 KB) with its woff2 fonts (~300 KB): ~1.6 MiB in all, the library ~2.3 MiB
 * (issue 18's layers and functional API added ~0.2 MB of modules and declarations, and the transformer
 * example's text ~56 KB gzipped): ~4.2 MB unpacked, so the bound is 4.75 MiB.
 * The README (the documentation npm shows, ~120 KB) has its own bound too.
 */
const SIZE = { unpacked: 4.75 * 2 ** 20, file: 96 * 2 ** 10, playground: 1.75 * 2 ** 20, readme: 160 * 2 ** 10 };
/** The built playground (a Vite bundle that `nabla playground` serves): no sources or declarations of its own. */
const isPlayground = (p: string) => p.startsWith('dist/playground/');

test('the tarball holds the library, its types, the bin, the data and the notes', () => {
  for (const need of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/backend/wasm/worker.js',
    'dist/backend/wasm/kernels.generated.js',
    'data/uci-digits.csv.gz',
    'data/web-genesis.txt.gz',
  ]) {
    assert.ok(paths.has(need), `${need} is in the package`);
  }
  for (const bin of Object.values(pkg.bin)) assert.ok(paths.has(bin.replace(/^\.\//, '')), `the bin ${bin} is in the package`);
  // every file the exports map names (each entry point's types and code) is shipped
  for (const [entry, conditions] of Object.entries(pkg.exports)) {
    for (const target of Object.values(conditions)) assert.ok(paths.has(target.replace(/^\.\//, '')), `exports['${entry}'] → ${target} is in the package`);
  }
  // every module has its declarations beside it
  const missing = pack.files.filter(
    (f) => f.path.startsWith('dist/') && !isPlayground(f.path) && f.path.endsWith('.js') && !paths.has(f.path.replace(/\.js$/, '.d.ts')),
  );
  assert.deepEqual(
    missing.map((f) => f.path),
    [],
  );
});

test('the tarball holds no tests, sources, build output or source maps, and no module without its source', () => {
  const bad = pack.files
    .map((f) => f.path)
    .filter((p) => /^(src|test|build|kernels|scripts|bench|examples|docs|node_modules)\//.test(p) || /\.test\.|\.map$|\.tsbuildinfo$|\.py$/.test(p));
  assert.deepEqual(bad, []);
  // a dist module with no source is left over from an earlier build (tsc does not delete)
  const stale = pack.files
    .map((f) => f.path)
    .filter((p) => p.startsWith('dist/') && !isPlayground(p) && p.endsWith('.js'))
    .filter((p) => !existsSync(join(root, p.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))));
  assert.deepEqual(stale, [], 'dist modules without a source in src/ (run npm run build, which empties dist first)');
  // no module names a source map that is not shipped
  const mapped = pack.files.filter((f) => f.path.endsWith('.js') && /\/\/# sourceMappingURL=/.test(readFileSync(join(root, f.path), 'utf8')));
  assert.deepEqual(
    mapped.map((f) => f.path),
    [],
  );
});

test(`the package is under ${SIZE.unpacked / 2 ** 20} MiB unpacked, and no file is over ${SIZE.file / 2 ** 10} KiB`, () => {
  assert.ok(pack.unpackedSize < SIZE.unpacked, `unpacked size ${pack.unpackedSize} bytes`);
  const big = pack.files
    .filter((f) => f.size > (f.path === 'README.md' ? SIZE.readme : SIZE.file) && !isPlayground(f.path))
    .map((f) => `${f.path} (${f.size} bytes)`);
  assert.deepEqual(big, []);
  // the playground is built (nabla playground serves it from the package) and bounded as a whole
  const playground = pack.files.filter((f) => isPlayground(f.path));
  assert.ok(
    playground.some((f) => f.path === 'dist/playground/index.html'),
    'dist/playground/index.html is in the package',
  );
  const total = playground.reduce((n, f) => n + f.size, 0);
  assert.ok(total < SIZE.playground, `the playground is ${total} bytes`);
});

/** The modules of src/ (as dist/ paths) with top-level statements that do something when imported. */
function modulesWithImportEffects(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of ts.sys.readDirectory(dir, ['.ts'])) {
      const rel = name.slice(join(root, 'src').length + 1);
      // cli/ is the bin, never imported by the library; arena.ts's top-level statement is a check that throws on a bad build constant
      if (rel.startsWith('cli/') || rel.endsWith('.generated.ts') || rel === 'backend/wasm/arena.ts') continue;
      const sf = ts.createSourceFile(name, readFileSync(name, 'utf8'), ts.ScriptTarget.ES2022);
      const effect = sf.statements.some(
        (s) =>
          ts.isExpressionStatement(s) ||
          ts.isIfStatement(s) ||
          ts.isTryStatement(s) ||
          ts.isForStatement(s) ||
          ts.isForOfStatement(s) ||
          ts.isForInStatement(s) ||
          ts.isWhileStatement(s),
      );
      if (effect) found.push(`./dist/${rel.replace(/\.ts$/, '.js')}`);
    }
  };
  walk(join(root, 'src'));
  return found.sort();
}

/** Whether a sideEffects pattern (a path, or a path with `*` for one name) matches `file`. */
function matches(pattern: string, file: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return re.test(file);
}

test('sideEffects lists every module that acts when imported, and each of its patterns matches a module', () => {
  const effects = modulesWithImportEffects();
  assert.ok(
    effects.includes('./dist/ops/methods.js') && effects.includes('./dist/nn/layers/dense.js'),
    `the scan finds the registrations: ${effects.join(', ')}`,
  );
  const unlisted = effects.filter((f) => !pkg.sideEffects.some((p) => matches(p, f)));
  assert.deepEqual(unlisted, [], 'modules with import-time effects missing from package.json sideEffects');
  const dist = pack.files.map((f) => `./${f.path}`);
  for (const p of pkg.sideEffects)
    assert.ok(
      dist.some((f) => matches(p, f)),
      `sideEffects pattern ${p} matches a packaged module`,
    );
});

/** Bundles `entry` (which imports 'nabla') with esbuild against this package's dist/; returns the file and the modules in it. */
async function bundle(name: string, entry: string, platform: 'browser' | 'node'): Promise<{ file: string; modules: string[] }> {
  const self: Plugin = { name: 'nabla', setup: (b) => b.onResolve({ filter: /^nabla$/ }, () => ({ path: join(root, 'dist', 'index.js') })) };
  const file = join(work, `${name}.mjs`);
  const result = await build({
    stdin: { contents: entry, resolveDir: work, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform,
    outfile: file,
    metafile: true,
    plugins: [self],
    logLevel: 'silent',
    external: ['cli-progress', 'elkjs', 'katex'],
  });
  assert.deepEqual(
    result.warnings.map((w) => w.text),
    [],
    `${name}: esbuild warnings`,
  );
  const out = Object.values(result.metafile.outputs)[0] as Metafile['outputs'][string];
  const modules = Object.entries(out.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([k]) => k.replace(/^.*?dist\//, ''));
  return { file, modules };
}

test('a bundle of `import { tensor }` runs (tensor methods and the wasm backend included) and leaves out viz, landscape and data', async () => {
  const { file, modules } = await bundle(
    'tensor',
    `import { tensor, getBackend } from 'nabla';
    console.log(JSON.stringify([tensor([[1, 2], [3, 4]]).add(1).matmul(tensor([[1], [-1]])).toArray(), getBackend()]));`,
    'browser',
  );
  const want = JSON.stringify([
    nb
      .tensor([
        [1, 2],
        [3, 4],
      ])
      .add(1)
      .matmul(nb.tensor([[1], [-1]]))
      .toArray(),
    nb.getBackend(),
  ]);
  assert.equal(execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim(), want);
  for (const m of ['ops/methods.js', 'backend/index.js', 'backend/wasm/kernels.generated.js']) assert.ok(modules.includes(m), `${m} is in the bundle`);
  const dropped = modules.filter((m) => /^(viz|landscape|data|curvature|decomposition)\//.test(m));
  assert.deepEqual(dropped, [], 'modules the entry does not use');
});

test('a bundle that only decodes a model from bytes still has the model and layer classes it names', async () => {
  nb.seed(3);
  const model = nb.sequential([nb.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), nb.layers.dense({ units: 2, activation: 'softmax' })]);
  const x = nb.tensor([
    [0.5, -1, 2],
    [1, 1, 1],
  ]);
  const want = JSON.stringify(model.predict(x).toArray());
  const bytesFile = join(work, 'model.nabla');
  writeFileSync(bytesFile, encodeModel(model));
  const { file, modules } = await bundle(
    'load',
    `import { io, tensor } from 'nabla';
    import { readFileSync } from 'node:fs';
    const model = io.decodeModel(new Uint8Array(readFileSync(process.argv[2])));
    console.log(JSON.stringify(model.predict(tensor(${JSON.stringify(x.toArray())})).toArray()));`,
    'node',
  );
  assert.equal(execFileSync(process.execPath, [file, bytesFile], { encoding: 'utf8' }).trim(), want);
  assert.ok(modules.includes('train/sequential.js') && modules.includes('nn/layers/dense.js'));
  assert.deepEqual(
    modules.filter((m) => m.startsWith('viz/')),
    [],
  );
});
