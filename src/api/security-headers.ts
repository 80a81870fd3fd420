// Security headers (helmet's defaults: CSP, HSTS, nosniff, frame options…) on every answer. The
// set does not depend on the request, so helmet's middleware is run once at start-up against a
// recorder and the headers it set are copied onto each reply: helmet per request (as
// @fastify/helmet does it) parses its whole configuration again for every request.
import type { OutgoingHttpHeaders } from 'node:http';
import helmet from 'helmet';
import type { Api } from './types.ts';

/** The headers helmet's default middleware sets on a response. */
function helmetHeaders(): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const recorder = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: () => {},
  };
  let failed: unknown;
  // helmet's middleware is synchronous for a configuration without functions (the default).
  helmet()({} as never, recorder as never, (error?: unknown) => {
    failed = error;
  });
  if (failed !== undefined) throw failed;
  return headers;
}

export function registerSecurityHeaders(api: Api): void {
  const headers = helmetHeaders();
  api.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
