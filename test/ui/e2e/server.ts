// A real `perfrecon serve` for the browser tests: its own database with the samples loaded (all
// but Vendor A's file, which the test uploads through the UI), four-eyes approval on, a token
// per person, and one dead letter waiting for a replay (a transient fault injected for its
// account, lifted before the replay).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import type { App } from '../../../src/app.ts';
import { createToken } from '../../../src/services/tokens.ts';
import {
  type Child,
  canonicalRows,
  installFaultInjector,
  killAll,
  pipelineEnv,
  runCli,
  startCli,
  writeCanonical,
} from '../../pipeline/support.ts';
import { openTestApp } from '../../support/test-app.ts';
import { createTestEnv, type TestEnv } from '../../support/test-env.ts';

export const DLQ_ACCOUNT = 'E2E-DLQ';
const PEOPLE = { viewer: 'viewer', operator: 'operator', approver: 'operator', admin: 'admin' } as const;
export type Person = keyof typeof PEOPLE;

export interface TestServer {
  url: string;
  tokens: Record<Person, string>;
  /** Vendor A's sample file, not yet taken in. */
  uploadable: string;
  app: App;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCli(args, env, 300_000);
  if (result.code !== 0 && !(args[0] === 'ingest' && result.code === 1)) {
    throw new Error(`perfrecon ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  }
  return result.stdout;
}

export async function startTestServer(): Promise<TestServer> {
  const testEnv: TestEnv = await createTestEnv();
  const env = pipelineEnv(testEnv, {
    PERFRECON_LOG_LEVEL: 'warn',
    PERFRECON_BREAKS_FOUR_EYES: 'true',
    PERFRECON_RETRY_LIMIT: '1',
    // The browser loads the UI's files without a token: a test's page loads must not hit the
    // anonymous limit meant for scripts.
    PERFRECON_API_RATE_LIMIT_ANONYMOUS: '100000',
  });
  const app = await openTestApp(testEnv);
  await installFaultInjector(app.database.db);
  await sql`INSERT INTO test_fault_accounts VALUES (${DLQ_ACCOUNT})`.execute(app.database.db);
  const tokens = {} as Record<Person, string>;
  for (const [person, role] of Object.entries(PEOPLE) as [Person, string][]) {
    tokens[person] = (await createToken(app, { name: `e2e-${person}`, role }, 'test')).secret;
  }

  const samples = path.join(testEnv.home, 'samples');
  const files = (
    await cli(
      [
        'samples',
        '--out',
        samples,
        '--accounts',
        '4',
        '--days',
        '120',
        '--start',
        '2024-12-31',
        '--seed',
        '7',
        '--problems',
        '0.01',
      ],
      env,
    )
  )
    .trim()
    .split('\n');
  const uploadable = files.find((file) => path.basename(file).startsWith('custa_perf_'));
  if (uploadable === undefined) throw new Error(`no Vendor A sample among ${files.join(', ')}`);
  await cli(['ingest', ...files.filter((file) => file !== uploadable)], env);
  const failing = writeCanonical(
    path.join(testEnv.home, 'failing'),
    'canonical-e2e-dlq.csv',
    canonicalRows(DLQ_ACCOUNT, 3),
  );
  await cli(['ingest', failing], env);

  const port = await freePort();
  const serve: Child = startCli(['serve', '--port', String(port)], env);
  await serve.waitFor(/API on http:\/\/\S+/, 120_000);
  if (!fs.existsSync(path.resolve('dist/ui/index.html')))
    throw new Error('the UI is not built: npm run build:ui');
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    uploadable,
    app,
    async stop() {
      serve.kill('SIGTERM');
      await serve.exited;
      await killAll();
      await app.close();
      await testEnv.cleanup();
    },
  };
}
