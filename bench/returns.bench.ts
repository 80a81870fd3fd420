// Benchmark of the return engine (src/calculate). Not a test: it asserts nothing and prints
// figures. Run alone with `node bench/returns.bench.ts`; `run()` returns the same report as a
// markdown section for BENCHMARKS.md.
//
// Method: inputs are generated up front from a fixed-seed generator (so every run sees the
// same data) and are not timed. Each workload runs once to warm up the JIT, then ROUNDS timed
// times; the median and the best wall time (performance.now) are reported. A checksum of the results is
// kept so the work cannot be optimised away. Memory is process.memoryUsage() after each
// workload and the peak resident set size from process.resourceUsage().
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  type DatedReturn,
  type FlowInput,
  linkConsecutive,
  linkReturns,
  type PeriodInput,
  periodReturn,
} from '../src/calculate/index.ts';
import { dayNumber, dayToIso } from '../src/domain/civil-date.ts';
import { seededRandom } from '../src/samples/truth.ts';

const PERIODS = 1_000_000;
const LINKED = 10_000_000;
const DATED_LINKED = 1_000_000;
const ROUNDS = 5;

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * A million valuation periods as vendors send them: 1 to 31 days long, 0 to 4 flows with
 * random timing, 8% with a large flow of which half come with the valuation to split at.
 */
function periodInputs(count: number): PeriodInput[] {
  const random = seededRandom(20240531);
  const firstDay = dayNumber('1995-01-01');
  const dates = Array.from({ length: 20_000 }, (_, index) => dayToIso(firstDay + index));
  const inputs: PeriodInput[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const start = Math.floor(random() * 19_000);
    const length = random() < 0.3 ? 1 : 1 + Math.floor(random() * 31);
    const begin = cents(1e3 + random() * 1e8);
    const flows: FlowInput[] = [];
    const flowCount = Math.floor(random() * 5);
    let net = 0;
    for (let f = 0; f < flowCount; f++) {
      const large = random() < 0.02;
      const amount = cents((random() - 0.4) * begin * (large ? 0.5 : 0.05));
      net += amount;
      flows.push({
        date: dates[start + 1 + Math.floor(random() * length)] as string,
        amount,
        timing: random() < 0.5 ? 'end_of_day' : 'start_of_day',
      });
    }
    const input: PeriodInput = {
      periodStart: dates[start] as string,
      periodEnd: dates[start + length] as string,
      beginMarketValue: begin,
      endMarketValue: cents((begin + net) * (1 + (random() - 0.5) * 0.04)),
      flows,
      fees: cents(begin * 0.0001),
    };
    if (length > 2 && random() < 0.5) {
      input.valuations = Array.from({ length: length - 1 }, (_, day) => ({
        date: dates[start + 1 + day] as string,
        marketValue: cents(begin * (1 + (random() - 0.5) * 0.02)),
      }));
    }
    inputs[index] = input;
  }
  return inputs;
}

interface Timing {
  medianMs: number;
  bestMs: number;
  checksum: number;
}

function time(work: () => number): Timing {
  work();
  const durations: number[] = [];
  let checksum = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    checksum = work();
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  return {
    medianMs: durations[Math.floor(durations.length / 2)] as number,
    bestMs: durations[0] as number,
    checksum,
  };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;

function memory(): string {
  const usage = process.memoryUsage();
  return `RSS ${mb(usage.rss)}, heap used ${mb(usage.heapUsed)}`;
}

export async function run(): Promise<string> {
  const rows: string[] = [];
  const memoryRows: string[] = [];
  memoryRows.push(`| start | ${memory()} |`);

  const inputs = periodInputs(PERIODS);
  memoryRows.push(`| 1M period inputs generated | ${memory()} |`);
  const net = time(() => {
    let sum = 0;
    for (const input of inputs) sum += periodReturn(input).value ?? 0;
    return sum;
  });
  rows.push(
    `| period returns, net (Modified Dietz / true daily / splits) | ${PERIODS.toLocaleString('en-US')} | ${net.medianMs.toFixed(0)} ms | ${rate(PERIODS, net.medianMs)} | ${rate(PERIODS, net.bestMs)} |`,
  );
  const gross = time(() => {
    let sum = 0;
    for (const input of inputs) sum += periodReturn(input, { basis: 'gross' }).value ?? 0;
    return sum;
  });
  rows.push(
    `| period returns, gross of fees | ${PERIODS.toLocaleString('en-US')} | ${gross.medianMs.toFixed(0)} ms | ${rate(PERIODS, gross.medianMs)} | ${rate(PERIODS, gross.bestMs)} |`,
  );
  let splits = 0;
  let warned = 0;
  for (const input of inputs) {
    const result = periodReturn(input);
    if (result.method === 'linked_split') splits++;
    if (result.warnings.length > 0) warned++;
  }
  memoryRows.push(`| after 1M period returns | ${memory()} |`);
  inputs.length = 0;

  const random = seededRandom(7);
  const factors = new Float64Array(LINKED);
  for (let index = 0; index < LINKED; index++) factors[index] = (random() - 0.5) * 0.002;
  memoryRows.push(`| 10M returns in a Float64Array | ${memory()} |`);
  const kernel = time(() => linkConsecutive(factors) ?? 0);
  rows.push(
    `| linking consecutive returns (linkConsecutive) | ${LINKED.toLocaleString('en-US')} | ${kernel.medianMs.toFixed(0)} ms | ${rate(LINKED, kernel.medianMs)} | ${rate(LINKED, kernel.bestMs)} |`,
  );

  // Dated linking needs real calendar dates; 1M consecutive days already span 1900-4637.
  const firstDay = dayNumber('1900-01-01');
  const dated: DatedReturn[] = new Array(DATED_LINKED);
  let previous = dayToIso(firstDay);
  for (let index = 0; index < DATED_LINKED; index++) {
    const next = dayToIso(firstDay + index + 1);
    dated[index] = { periodStart: previous, periodEnd: next, value: factors[index] as number };
    previous = next;
  }
  const from = dayToIso(firstDay);
  const to = previous;
  memoryRows.push(`| 1M dated daily returns | ${memory()} |`);
  const linked = time(() => linkReturns(dated, from, to).cumulativeReturn ?? 0);
  rows.push(
    `| linking dated daily returns with gap/overlap checks (linkReturns) | ${DATED_LINKED.toLocaleString('en-US')} | ${linked.medianMs.toFixed(0)} ms | ${rate(DATED_LINKED, linked.medianMs)} | ${rate(DATED_LINKED, linked.bestMs)} |`,
  );
  memoryRows.push(`| after linking | ${memory()} |`);
  memoryRows.push(`| peak resident set size | ${mb(process.resourceUsage().maxRSS * 1024)} |`);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    '## Return engine (src/calculate)',
    '',
    `Measured with \`node bench/returns.bench.ts\` on Node ${process.version}, ${cpu}, ${cpus().length} logical cores (shared machine), one thread.`,
    `Method: fixed-seed generated inputs (not timed); each workload once to warm up, then ${ROUNDS} timed runs; median and best wall time (performance.now). Other work on the shared machine moves the median; the best run is closer to the code's own speed.`,
    `The 1M periods are 1 to 31 days long (30% one day), 0 to 4 flows each with random timing, fees given; ${splits.toLocaleString('en-US')} were split at large flows and ${warned.toLocaleString('en-US')} carried a warning.`,
    'Every figure goes through the compensated arithmetic of the numeric policy (src/calculate/numeric.ts).',
    '',
    '| workload | count | median time | rate (median) | rate (best run) |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    '| memory | |',
    '|---|---|',
    ...memoryRows,
    '',
    `Checksums (to keep the work observable): ${[net, gross, kernel, linked].map((t) => t.checksum.toExponential(6)).join(', ')}.`,
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(await run());
}
