// The API documentation (`npm run docs`, TypeDoc over the package's entry points, src/index.ts
// ('nabla') and src/onnx/index.ts ('nabla/onnx'), with typedoc.json) builds without a warning,
// and every public export carries a doc comment. TypeDoc converts the
// sources here without writing the site (and without type-checking again: tsc has just done it).
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel, ReflectionKind, TSConfigReader, TypeDocReader, type DeclarationReflection, type ProjectReflection } from 'typedoc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A reflection's summary text, or the first signature's (functions keep their comment there). */
function summary(r: DeclarationReflection): string {
  const parts = r.comment?.summary ?? r.signatures?.[0]?.comment?.summary ?? [];
  return parts
    .map((p) => p.text)
    .join('')
    .trim();
}

let converted: { project: ProjectReflection; problems: string[] } | undefined;
async function convert(): Promise<{ project: ProjectReflection; problems: string[] }> {
  if (converted) return converted;
  const app = await Application.bootstrapWithPlugins({ options: join(root, 'typedoc.json'), skipErrorChecking: true }, [
    new TypeDocReader(),
    new TSConfigReader(),
  ]);
  const problems: string[] = [];
  app.logger.log = (message: string, level: LogLevel) => {
    if (level >= LogLevel.Warn) problems.push(message);
  };
  const project = await app.convert();
  assert.ok(project, 'TypeDoc converted the sources');
  app.validate(project);
  converted = { project, problems };
  return converted;
}

/** The module of one entry point ('nabla', 'nabla/onnx'). */
function entry(project: ProjectReflection, name: string): DeclarationReflection {
  const m = project.children?.find((c) => c.name === name);
  assert.ok(m, `the documentation has the module ${name} (modules: ${project.children?.map((c) => c.name).join(', ')})`);
  return m;
}

test('TypeDoc converts the entry points with typedoc.json and validates with no warning', async () => {
  const { project, problems } = await convert();
  assert.deepEqual(problems, []);
  assert.deepEqual(project.children?.map((c) => c.name).sort(), ['nabla', 'nabla/onnx']);
});

test('every public export, and every member of a public namespace, has a doc comment', async () => {
  const { project } = await convert();
  const missing: string[] = [];
  for (const module of ['nabla', 'nabla/onnx']) {
    const m = entry(project, module);
    if (!summary(m)) missing.push(module);
    const exports = m.children ?? [];
    assert.ok(exports.length > (module === 'nabla' ? 100 : 3), `${module} has ${exports.length} exports`);
    for (const r of exports) {
      if (r.kindOf(ReflectionKind.Reference)) continue; // a second name for a documented export
      if (!summary(r)) missing.push(`${module}: ${r.name}`);
      if (!r.kindOf(ReflectionKind.Namespace)) continue;
      for (const c of r.children ?? []) if (!c.kindOf(ReflectionKind.Reference) && !summary(c)) missing.push(`${module}: ${r.name}.${c.name}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the central functions say what they compute', async () => {
  const { project } = await convert();
  const doc = (path: string, module = 'nabla'): string => {
    const r = entry(project, module).getChildByName(path) as DeclarationReflection | undefined;
    assert.ok(r, `${path} is in the documentation of ${module}`);
    return summary(r);
  };
  assert.match(doc('grad'), /gradient/i);
  assert.match(doc('matmul'), /product/i);
  assert.match(doc('tensor'), /tensor/i);
  assert.match(doc('Sequential.fit'), /train/i);
  assert.match(doc('layers.dense'), /x·W \+ b/);
  assert.match(doc('importModel', 'nabla/onnx'), /ONNX/);
});
