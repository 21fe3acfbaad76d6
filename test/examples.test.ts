import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Every example runs to completion on small settings (QUICK=1), importing the built package.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.mjs'))
  .sort();

test('there are examples', () => assert.ok(examples.length >= 3));

for (const file of examples) {
  test(`example ${file} runs`, () => {
    const out = execFileSync(process.execPath, [join(root, 'examples', file)], {
      cwd: root,
      env: { ...process.env, QUICK: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.ok(out.trim().length > 0, 'it prints its results');
    assert.doesNotMatch(out, /NaN/);
  });
}
