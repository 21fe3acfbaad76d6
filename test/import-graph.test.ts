// The static import graph of the built library (dist/, as users import it): what a browser bundle of
// nabla would contain. It must not reach cli-progress, node: modules or elkjs (dynamic imports are
// allowed, since a bundler can leave them out or split them off), and io must not depend on train.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');

/** The module specifiers a compiled file imports or re-exports statically (not `import(...)`). */
function staticImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(?:import|export)\s+(?:[^'"();]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** Every file reached from `entry` by static imports, and every external specifier with the chain that reached it. */
function graph(entry: string): { files: Set<string>; external: { spec: string; chain: string }[] } {
  const files = new Set<string>();
  const external: { spec: string; chain: string }[] = [];
  const walk = (file: string, chain: string[]): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec), [...chain, file]);
      else external.push({ spec, chain: [...chain, file].map((f) => relative(dist, f)).join(' → ') });
    }
  };
  walk(entry, []);
  return { files, external };
}

for (const entry of ['index.js', 'train/sequential.js']) {
  test(`the static import graph of dist/${entry} reaches no cli-progress, no katex, no elkjs and no node: module`, () => {
    const { files, external } = graph(join(dist, entry));
    assert.ok(files.size > 1 || entry !== 'index.js', 'the walk found the library');
    // katex writes report pages (nb.viz.reportPage imports it on first use); elkjs lays out nb.viz.graph (the same)
    const bad = external.filter((e) => e.spec === 'cli-progress' || e.spec === 'katex' || e.spec.startsWith('elkjs') || e.spec.startsWith('node:'));
    assert.deepEqual(bad, [], `static imports a browser bundle would pull in:\n${bad.map((b) => `${b.spec} via ${b.chain}`).join('\n')}`);
    // not even a literal dynamic import of cli-progress: bundlers follow those
    for (const f of files) {
      assert.doesNotMatch(readFileSync(f, 'utf8'), /import\(\s*['"]cli-progress['"]\s*\)/, relative(dist, f));
    }
  });
}

test('the walker sees static imports (it finds commander and node: modules from the CLI)', () => {
  const { external } = graph(join(dist, 'cli', 'nabla.js'));
  assert.ok(external.some((e) => e.spec === 'commander'));
  assert.ok(external.some((e) => e.spec.startsWith('node:')));
});

test('elkjs is loaded lazily: nb.viz.graph imports it dynamically, and nabla never statically', () => {
  const { files, external } = graph(join(dist, 'index.js'));
  assert.ok(files.has(join(dist, 'viz', 'graph', 'layout.js')), 'the walk reaches the graph layout');
  assert.deepEqual(
    external.filter((e) => e.spec.startsWith('elkjs')).map((e) => e.chain),
    [],
  );
  assert.match(readFileSync(join(dist, 'viz', 'graph', 'layout.js'), 'utf8'), /import\(\s*['"]elkjs\/lib\/elk\.bundled\.js['"]\s*\)/);
});

test('io does not import train (static imports of dist/io/*.js)', () => {
  const io = join(dist, 'io');
  for (const name of readdirSync(io).filter((n) => n.endsWith('.js'))) {
    const { files } = graph(join(io, name));
    const train = [...files].filter((f) => relative(dist, f).startsWith('train'));
    assert.deepEqual(
      train.map((f) => relative(dist, f)),
      [],
      `dist/io/${name} reaches train`,
    );
  }
});
