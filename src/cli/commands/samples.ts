import type { Command } from 'commander';
import { parseIsoDate } from '../../domain/civil-date.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { MANIFEST_NAME, writeSamples } from '../../samples/write-samples.ts';
import { wholeNumber } from '../input.ts';

function share(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidInputError(
      `${name} must be a share between 0 and 1, got "${value}"`,
      'For example --problems 0.01 puts a problem into about one period in a hundred.',
    );
  return n;
}

interface SamplesOptions {
  out: string;
  accounts: string;
  days: string;
  start: string;
  seed: string;
  problems: string;
}

export function registerSamplesCommand(program: Command): void {
  program
    .command('samples')
    .description(
      'Write realistic sample files from one seeded truth: the canonical CSV and JSON, and the three ' +
        'example vendors -- Vendor A (custodian, daily CSV: BOM, title rows, US dates and numbers, ' +
        'returns in percent), Vendor B (administrator, monthly .xlsx: cover sheet, title rows, totals, ' +
        'dated flows on a second sheet) and Vendor C (data vendor, monthly nested JSON with numbers as ' +
        'strings and flow arrays). Every account is reported by two or three vendors, each with its own ' +
        'conventions (flow timing, gross or net, rounding). Repeatable: the same options give the same bytes.',
    )
    .requiredOption('--out <dir>', 'folder to write into')
    .option('--accounts <n>', 'number of accounts', '5')
    .option('--days <n>', 'days of daily valuations after the inception date', '90')
    .option('--start <date>', 'inception valuation date (a month end lines the months up)', '2023-12-31')
    .option('--seed <n>', 'random seed', '42')
    .option(
      '--problems <rate>',
      'share of vendor periods (0..1) given a problem: a bad row (a number that does not parse, a ' +
        'missing account id or value, an end date before the start), a return off by a few bp, a return ' +
        'computed with flows at start of day, or a missing period',
      '0',
    )
    .addHelpText(
      'after',
      `\nThe data files are printed one per line (for: perfrecon ingest $(perfrecon samples --out DIR)).\n` +
        `Next to them, ${MANIFEST_NAME} lists each file with its accounts and row counts, which vendors\n` +
        'report each account, and every injected problem with its file, row / sheet / JSON path, account\n' +
        'and period -- what ingest must quarantine and what reconciliation should find.\n' +
        'Examples:\n' +
        '  perfrecon samples --out samples\n' +
        '  perfrecon samples --out samples --accounts 20 --days 400 --problems 0.01 --seed 7\n',
    )
    .action(async (options: SamplesOptions) => {
      const set = await writeSamples({
        out: options.out,
        accounts: wholeNumber('--accounts', options.accounts),
        days: wholeNumber('--days', options.days),
        start: parseIsoDate('--start', options.start),
        seed: wholeNumber('--seed', options.seed),
        problems: share('--problems', options.problems),
      });
      for (const file of set.files) process.stdout.write(`${file}\n`);
      const counts = new Map<string, number>();
      for (const problem of set.manifest.problems)
        counts.set(problem.kind, (counts.get(problem.kind) ?? 0) + 1);
      const injected =
        counts.size === 0
          ? 'no problems injected'
          : `problems injected: ${[...counts].map(([kind, n]) => `${n} ${kind.replaceAll('_', ' ')}`).join(', ')}`;
      process.stderr.write(`manifest: ${set.manifestPath} (${injected})\n`);
    });
}
