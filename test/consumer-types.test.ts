// A TypeScript consumer project, as a user has it: `nabla` installed in
// node_modules (its package exports and shipped .d.ts), compiled by
// `tsc --strict`. A correct file compiles; a misspelled loss, optimiser,
// activation or metric name fails to compile, naming the misspelling.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const GOOD = `import * as nb from 'nabla';
const model = nb.sequential([nb.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), nb.layers.dense({ units: 3, activation: 'softmax' })]);
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const g: nb.Tensor = nb.grad((x: nb.Tensor) => nb.sum(nb.square(x)))(nb.tensor([1, 2]));
console.log(g.shape);
`;

/** Each misspelling, the line that uses it, and the text tsc must print. */
const TYPOS: [string, string][] = [
  ['categoricalCrossentopy', `model.compile({ optimizer: 'adam', loss: 'categoricalCrossentopy' });`],
  ['adma', `model.compile({ optimizer: 'adma', loss: 'mse' });`],
  ['rleu', `nb.layers.dense({ units: 2, activation: 'rleu' });`],
  ['acuracy', `model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] });`],
];

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-ts-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'nabla'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        noEmit: true,
        types: [],
        skipLibCheck: false,
        lib: ['ES2022', 'DOM'],
      },
      include: ['*.ts'],
    }),
  );
  return dir;
}

test('tsc --strict in a consumer project: correct use compiles, a misspelled name fails naming it', { timeout: 120_000 }, () => {
  const dir = project();
  writeFileSync(join(dir, 'good.ts'), GOOD);
  TYPOS.forEach(([, line], i) => writeFileSync(join(dir, `typo${i}.ts`), `${GOOD.split('\n').slice(0, 3).join('\n')}\n${line}\n`));
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 110_000 });
  const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
  assert.ok(!errors.some((l) => l.startsWith('good.ts')), `good.ts must compile:\n${errors.join('\n')}`);
  TYPOS.forEach(([typo], i) => {
    const mine = errors.filter((l) => l.startsWith(`typo${i}.ts`));
    assert.equal(mine.length, 1, `typo${i}.ts (${typo}): one error expected, got\n${mine.join('\n') || r.stdout}`);
    assert.match(mine[0]!, new RegExp(`'"${typo}"'`), `typo${i}.ts names the misspelling`);
  });
  assert.equal(errors.length, TYPOS.length, r.stdout);
});
