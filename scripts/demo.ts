// `npm run demo`: generate sample vendor files, ingest them into the embedded database
// ($PERFRECON_HOME, default ./.perfrecon), ingest one again to show it is recognised, and
// print linked returns for a few accounts. Every step is a real `perfrecon` command.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const cli = path.resolve(import.meta.dirname, '../bin/perfrecon.js');
const home = path.resolve(process.env.PERFRECON_HOME ?? '.perfrecon');
const samples = path.join(home, 'samples');

function perfrecon(...args: string[]): string {
  process.stdout.write(`\n$ perfrecon ${args.join(' ')}\n`);
  const output = execFileSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PERFRECON_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(output);
  return output;
}

const files = perfrecon(
  'samples',
  '--out',
  samples,
  '--accounts',
  '6',
  '--days',
  '400',
  '--start',
  '2023-12-31',
)
  .trim()
  .split('\n');
perfrecon('ingest', ...files);
perfrecon('ingest', files[0] ?? '');
for (const account of ['ACC-0001', 'ACC-0004', 'ACC-0006']) {
  perfrecon('returns', account, '--from', '2023-12-31', '--to', '2024-12-31');
}
perfrecon('returns', 'ACC-0002', '--from', '2023-12-31', '--to', '2025-02-03', '--json');
process.stdout.write(`\nThe data stays in ${home}; open it with: npx perfrecon db shell\n`);
