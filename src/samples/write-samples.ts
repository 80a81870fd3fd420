// Writes a set of sample files for the demo and for round-trip tests.
import fs from 'node:fs';
import path from 'node:path';
import { canonicalCsv, canonicalJson, canonicalRows } from './canonical.ts';
import { generateTruth, type SampleAccount } from './truth.ts';

export interface SampleOptions {
  out: string;
  accounts: number;
  days: number;
  start: string;
  seed: number;
}

export interface SampleSet {
  files: string[];
  accounts: SampleAccount[];
}

export function writeSamples(options: SampleOptions): SampleSet {
  fs.mkdirSync(options.out, { recursive: true });
  const accounts = generateTruth(options);
  const rows = canonicalRows(accounts);
  // Half the accounts in CSV, the other half in JSON: both canonical layouts in one demo.
  const half = new Set(accounts.slice(0, Math.ceil(accounts.length / 2)).map((a) => a.accountId));
  const files = [
    write(options.out, 'canonical-daily.csv', canonicalCsv(rows.filter((r) => half.has(r.accountId)))),
    write(options.out, 'canonical-daily.json', canonicalJson(rows.filter((r) => !half.has(r.accountId)))),
  ];
  return { files, accounts };
}

function write(dir: string, name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
