import type { Command } from 'commander';
import { InvalidInputError } from '../../domain/errors.ts';
import { writeSamples } from '../../samples/write-samples.ts';

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidInputError(`${name} must be a positive whole number, got "${value}"`);
  return n;
}

export function registerSamplesCommand(program: Command): void {
  program
    .command('samples')
    .description('Write realistic sample vendor files (repeatable: the same seed gives the same files)')
    .requiredOption('--out <dir>', 'folder to write into')
    .option('--accounts <n>', 'number of accounts', '5')
    .option('--days <n>', 'days of daily valuations', '90')
    .option('--start <date>', 'inception valuation date', '2024-01-01')
    .option('--seed <n>', 'random seed', '42')
    .action((options: { out: string; accounts: string; days: string; start: string; seed: string }) => {
      const set = writeSamples({
        out: options.out,
        accounts: positive('--accounts', options.accounts),
        days: positive('--days', options.days),
        start: options.start,
        seed: positive('--seed', options.seed),
      });
      for (const file of set.files) process.stdout.write(`${file}\n`);
    });
}
