import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

// Every ```ts block of the README that imports nabla runs as written.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes("from 'nabla'"));
const entry = pathToFileURL(join(here, '..', 'src', 'index.js')).href;
const onnxEntry = pathToFileURL(join(here, '..', 'src', 'onnx', 'index.js')).href;
const dir = mkdtempSync(join(tmpdir(), 'nabla-readme-'));

test('the README has code examples', () => assert.ok(blocks.length >= 5));

blocks.forEach((source, i) => {
  test(`README example ${i + 1} runs: ${source.split('\n').find((l) => l.startsWith('//')) ?? source.split('\n')[2]}`, async () => {
    const js = ts.transpileModule(source.replace("from 'nabla/onnx'", `from '${onnxEntry}'`).replace("from 'nabla'", `from '${entry}'`), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(dir, `example-${i}.mjs`);
    writeFileSync(file, js);
    const logs: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      logs.push(args.map(String).join(' '));
    };
    try {
      await import(pathToFileURL(file).href);
    } finally {
      console.log = original;
    }
    if (source.includes('console.log(')) assert.ok(logs.length > 0);
    if (source.includes('perturbation confusion')) assert.ok(logs.includes('10'), `expected 10 in ${logs}`);
    if (source.includes('gradCheck(layer')) assert.match(logs.join('\n'), /^true /m);
  });
});
