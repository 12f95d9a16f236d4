import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard's web app. Built into dist/ by `sspr serve` when missing or stale (dashboard/web-bundle.ts), or by
// `npm run build:web`. No inline script in the output: the server's Content-Security-Policy forbids it.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/auth': 'http://127.0.0.1:8080' } },
});
