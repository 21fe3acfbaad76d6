// The embedded digits (116 KB) reach a bundle only through loadDigitsAsync's
// dynamic import: a bundle that never calls it has none of them, and with code
// splitting they are a chunk of their own, loaded on the first call.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist');
const dir = mkdtempSync(join(tmpdir(), 'nabla-digits-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// a run of the embedded base64 (pixels of the first digit), which no other module contains
const marker = readFileSync(join(dist, 'data', 'digits-data.generated.js'), 'utf8').match(/digitsBase64 = '([A-Za-z0-9+/]{40})/)![1]!;

async function bundle(name: string, code: string, splitting: boolean): Promise<Record<string, string>> {
  const entry = join(dir, `${name}.js`);
  writeFileSync(entry, code.replace('NABLA', JSON.stringify(join(dist, 'index.js'))));
  const outdir = join(dir, `out-${name}-${splitting}`);
  await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', splitting, outdir, logLevel: 'silent' });
  return Object.fromEntries(readdirSync(outdir).map((f) => [f, readFileSync(join(outdir, f), 'utf8')]));
}

test('a bundle that never calls loadDigitsAsync carries no digits; one that does gets them in a separate chunk', { timeout: 60_000 }, async () => {
  const carrying = (files: Record<string, string>) => Object.keys(files).filter((f) => files[f]!.includes(marker));
  // without code splitting, esbuild inlines every dynamic import of a module it keeps: a bundle that
  // never touches nb.data drops the digits with the rest of it
  assert.deepEqual(carrying(await bundle('tensors', 'import * as nb from NABLA; console.log(nb.tensor([1, 2]).toArray());', false)), []);
  // with splitting (esbuild --splitting; Vite and webpack always split dynamic imports), nb.data is
  // in the bundle and the digits are a chunk of their own, loaded only by loadDigitsAsync
  const parses = await bundle('parses', "import * as nb from NABLA; console.log(nb.data.parseCsv('1,2').x.shape);", true);
  assert.equal(carrying(parses).length, 1);
  assert.match(carrying(parses)[0]!, /^digits-data/);
  assert.ok(parses['parses.js']!.includes('parseCsv'), 'nb.data is in the entry chunk');
  const loads = await bundle('loads', 'import * as nb from NABLA; const d = await nb.data.loadDigitsAsync(); console.log(d.x.shape);', true);
  assert.equal(carrying(loads).length, 1);
  assert.match(carrying(loads)[0]!, /^digits-data/);
  assert.match(loads['loads.js']!, /import\(["']\.\/digits-data[^"']*\.js["']\)/, 'the entry chunk imports the digits chunk on demand');
});
