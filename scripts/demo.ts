// `npm run demo`: generate sample files for the canonical format and the three example vendors
// (A: custodian daily CSV, B: administrator monthly Excel, C: data vendor monthly JSON) with a
// few injected problems, ingest them into the embedded database ($PERFRECON_HOME, default
// ./.perfrecon), ingest one again to show it is recognised, and print linked returns for a few
// accounts -- one of them as two vendors report it. Every step is a real `perfrecon` command.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const cli = path.resolve(import.meta.dirname, '../bin/perfrecon.js');
const home = path.resolve(process.env.PERFRECON_HOME ?? '.perfrecon');
const samples = path.join(home, 'samples');
const started = Date.now();

function perfrecon(...args: string[]): string {
  process.stdout.write(`\n$ perfrecon ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}\n`);
  const output = execFileSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    // Alerts go to the log channel at warning level; the demo shows the breaks as a table instead.
    env: { PERFRECON_LOG_LEVEL: 'error', ...process.env, PERFRECON_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(output);
  return output;
}

function note(text: string): void {
  process.stdout.write(`\n# ${text}\n`);
}

note('Sample files from one seeded truth; 0.3% of the vendor periods carry an injected problem.');
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
  '--seed',
  '7',
  '--problems',
  '0.003',
)
  .trim()
  .split('\n');

interface Manifest {
  coverage: Record<string, string[]>;
  problems: {
    kind: string;
    vendor: string;
    file: string;
    accountId: string;
    periodStart: string;
    periodEnd: string;
    description: string;
  }[];
}
const manifest = JSON.parse(fs.readFileSync(path.join(samples, 'samples-manifest.json'), 'utf8')) as Manifest;
note(
  'What the manifest says was injected (ingest must quarantine the bad rows; reconciliation finds the rest):',
);
for (const problem of manifest.problems) {
  process.stdout.write(
    `#   ${problem.file}: ${problem.kind} ${problem.accountId} ${problem.periodStart}..${problem.periodEnd}: ${problem.description}\n`,
  );
}

note('Ingest everything: canonical CSV and JSON, Vendor A (CSV), Vendor B (xlsx), Vendor C (JSON).');
perfrecon('ingest', ...files);

note('The same bytes again: recognised by SHA-256, nothing stored twice.');
perfrecon('ingest', files.find((f) => path.basename(f).startsWith('custa_perf_')) ?? files[0] ?? '');

const hasProblem = new Set(manifest.problems.map((p) => p.accountId));
const reportedBy = (...vendors: string[]) =>
  Object.entries(manifest.coverage)
    .filter(([account, list]) => !hasProblem.has(account) && vendors.every((v) => list.includes(v)))
    .map(([account]) => account);
const year = ['--from', '2023-12-31', '--to', '2024-12-31'];

const [shared] = reportedBy('vendor-a', 'vendor-b');
if (shared !== undefined) {
  note(
    `${shared} as two vendors report it: the custodian's true daily returns linked, then the administrator's ` +
      'monthly Modified Dietz -- the same money; the gap between them is the Modified Dietz approximation in months with flows.',
  );
  perfrecon('returns', shared, ...year, '--vendor', 'vendor-a');
  perfrecon('returns', shared, ...year, '--vendor', 'vendor-b');
}
const [fromC] = reportedBy('vendor-c');
if (fromC !== undefined) {
  note(`${fromC} as Vendor C reports it (contributions at start of day, withdrawals at end of day):`);
  perfrecon('returns', fromC, ...year, '--vendor', 'vendor-c');
}
const quarantined = manifest.problems.find((p) => p.kind !== 'return_off' && p.kind !== 'flow_timing');
if (quarantined !== undefined) {
  note(
    `${quarantined.accountId}'s period ${quarantined.periodStart}..${quarantined.periodEnd} is missing from ${quarantined.file} (${quarantined.kind.replaceAll('_', ' ')}): the gap is reported, never linked over.`,
  );
  perfrecon('returns', quarantined.accountId, ...year, '--vendor', quarantined.vendor);
}
perfrecon(
  'returns',
  'ACC-0002',
  '--from',
  '2023-12-31',
  '--to',
  '2025-02-03',
  '--vendor',
  'canonical',
  '--json',
);
note(
  "Reconciliation ran after each stored file: our returns against each vendor's, continuity, missing periods, and the same account across vendors. The oldest open breaks, each with its most likely cause:",
);
perfrecon('breaks', 'list', '--limit', '12');
note('A token for the web UI (an operator; the secret is shown this once):');
const token = perfrecon('token', 'create', '--name', `demo-${Date.now()}`, '--role', 'operator', '--json');
const secret = (JSON.parse(token) as { secret: string }).secret;
process.stdout.write(
  `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. The data stays in ${home}; open it with: npx perfrecon db shell\n` +
    `\nThe web UI: start the API and workers with\n  PERFRECON_HOME=${home} npx perfrecon serve\n` +
    `then open http://127.0.0.1:8080/ and sign in with the token ${secret}\n`,
);
