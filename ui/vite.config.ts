// The UI is built into dist/ui (git-ignored), which `perfrecon serve` serves at `/`. In
// development `vite --config ui/vite.config.ts` proxies the API to a local `perfrecon serve`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    // ECharts alone is ~1 MB before gzip; it gets its own chunk so the first paint does not wait for it.
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': process.env.PERFRECON_API ?? 'http://127.0.0.1:8080' } },
});
