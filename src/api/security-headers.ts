// Security headers (helmet) on every answer. The set does not depend on the request, so helmet's
// middleware is run once at start-up against a recorder and the headers it set are copied onto
// each reply: helmet per request (as @fastify/helmet does it) parses its whole configuration
// again for every request. Two sets: helmet's defaults for pages (the UI, the API's docs page),
// and for JSON answers the REST set of OWASP's REST Security Cheat Sheet — nothing may be loaded
// by or frame an answer, and none of the headers that only mean something to an HTML page: a
// third of the bytes, on the answers that are asked for most.
import type { OutgoingHttpHeaders } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { Api } from './types.ts';

const JSON_ANSWERS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/** The headers helmet's middleware sets on a response with these options. */
function helmetHeaders(options?: HelmetOptions): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const recorder = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: () => {},
  };
  let failed: unknown;
  // helmet's middleware is synchronous for a configuration without functions (these).
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    failed = error;
  });
  if (failed !== undefined) throw failed;
  return headers;
}

/** Whether a URL answers JSON (or the metrics' text): the API but its docs page, and the probes. */
export function answersJson(url: string): boolean {
  if (url.startsWith('/api/')) return !url.startsWith('/api/docs');
  return url.startsWith('/healthz') || url.startsWith('/readyz') || url.startsWith('/metrics');
}

export function registerSecurityHeaders(api: Api): void {
  const page = helmetHeaders();
  const json = helmetHeaders(JSON_ANSWERS);
  api.addHook('onRequest', (request, reply, done) => {
    reply.headers(answersJson(request.url) ? json : page);
    done();
  });
}
