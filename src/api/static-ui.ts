// The web UI (ui/, built by `vite build` into dist/ui) served at `/`. It asks GET /api/v1/me
// (routes/tokens.ts) who holds its token, to show that role's actions (the API checks the role
// again on every call). The addresses of the UI's pages get index.html (its router takes over);
// any other unknown path keeps the API's 404.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { Api } from './types.ts';

const UI_ROOT = path.resolve(import.meta.dirname, '../../dist/ui');
/** The UI router's pages (ui/src/app/routes.tsx): a section, optionally one item of it. */
const UI_PAGE = /^\/(sign-in|breaks|accounts|files|operations|alarms|usage)(\/[^/?]+)?\/?(\?.*)?$/;

export async function registerStaticUi(api: Api): Promise<void> {
  if (!fs.existsSync(path.join(UI_ROOT, 'index.html'))) {
    api.log.warn({ root: UI_ROOT }, 'the web UI is not built (npm run build:ui); serving the API only');
    return;
  }
  await api.register(fastifyStatic, {
    root: UI_ROOT,
    wildcard: false,
    // The build writes a .br and a .gz beside each file (ui/vite.config.ts): sent as the browser accepts.
    preCompressed: true,
    // Built assets carry a content hash in their names; index.html (or its compressed copy) must be
    // fetched anew.
    setHeaders: (reply, file) =>
      reply.header(
        'cache-control',
        /index\.html(\.br|\.gz)?$/.test(file) ? 'no-cache' : 'public, max-age=31536000, immutable',
      ),
  });
  api.get('/*', { schema: { hide: true } }, (request, reply) =>
    UI_PAGE.test(request.url) ? reply.sendFile('index.html') : reply.callNotFound(),
  );
}
