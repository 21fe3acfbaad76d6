// Vite builds the playground into dist/playground. 'nabla' resolves to the
// repository root, so the page imports the built package (dist/) through its
// package.json exports, exactly as a user's app would.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: here,
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
