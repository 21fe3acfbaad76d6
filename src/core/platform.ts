/**
 * A Node built-in module by name ('node:fs', 'node:v8', ...), reached through
 * `process.getBuiltinModule` so that the library has no static import of a
 * Node module and loads unchanged in browsers; undefined outside Node.
 */
export function nodeBuiltin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}
