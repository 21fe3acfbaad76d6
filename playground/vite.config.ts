// Vite builds the playground into dist/playground. 'nabla' resolves to the
// repository root, so the page imports the built package (dist/) through its
// package.json exports, exactly as a user's app would.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * KaTeX's stylesheet offers each font as woff2, woff and ttf; every browser the
 * playground runs in (it needs WebAssembly SIMD and module workers) reads
 * woff2, so the other two (~700 KB) are left out of the build.
 */
const katexWoff2Only = {
  name: 'katex-woff2-only',
  enforce: 'pre' as const,
  transform(code: string, id: string) {
    if (!/katex(\.min)?\.css$/.test(id)) return null;
    return code.replace(/,\s*url\([^)]*\.woff\) format\("woff"\)|,\s*url\([^)]*\.ttf\) format\("truetype"\)/g, '');
  },
};

export default defineConfig({
  root: here,
  plugins: [katexWoff2Only],
  base: './',
  resolve: { alias: { nabla: repo } },
  worker: { format: 'es' },
  build: {
    outDir: `${repo}dist/playground`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
