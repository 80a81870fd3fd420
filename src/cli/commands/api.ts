import type { Command } from 'commander';
import { httpOptions, runUntilSignal } from '../long-running.ts';
import { withApp } from '../run.ts';

export function registerApiCommand(program: Command): void {
  program
    .command('api')
    .description(
      'Serve the HTTP API (REST under /api/v1, OpenAPI at /api/openapi.json, docs at /api/docs,\n' +
        '/healthz, /readyz, /metrics). Uploads are queued for the workers (perfrecon worker or serve).\n' +
        'Callers send "Authorization: Bearer <token>" (perfrecon token create).',
    )
    .option('--port <n>', 'port (default PERFRECON_API_PORT or 8080)')
    .option('--host <address>', 'address to listen on (default PERFRECON_API_HOST or 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      await withApp((app) => runUntilSignal(app, { http: httpOptions(app, options) }, 'api'), {
        maxConnections: 20,
        applicationName: 'perfrecon-api',
      });
    });
}
