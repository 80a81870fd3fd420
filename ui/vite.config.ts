// The UI is built into dist/ui (git-ignored), which `perfrecon serve` serves at `/`. In
// development `vite --config ui/vite.config.ts` proxies the API to a local `perfrecon serve`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * A brotli and a gzip copy beside every built text file: the API sends the one a browser accepts
 * (@fastify/static `preCompressed`), compressed once at build time rather than on every request.
 */
function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg)$/.test(name)) continue;
        const file = path.join(options.dir ?? '', name);
        const content = fs.readFileSync(file);
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(content));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    // ECharts alone is ~1 MB before gzip; it gets its own chunk so the first paint does not wait for it.
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': process.env.PERFRECON_API ?? 'http://127.0.0.1:8080' } },
});
