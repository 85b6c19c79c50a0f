// The webhooks portal: a static SPA served by Herald at /portal/ under a strict CSP (scripts from
// the same origin only, so no inline script and no eval). It talks to Herald only through the
// SDK, imported from source.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/portal/',
  plugins: [react()],
  resolve: {
    alias: { '@herald/sdk': fileURLToPath(new URL('../sdk/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The preload polyfill would be one more script to allow; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs: the CSP names where each asset comes from.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
