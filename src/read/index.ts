// The entry the pipeline calls: a vendor file in, mapped rows out (canonical periods or
// quarantined rows with their reasons), dispatching on the format of the vendor's source that
// matches the file. Problems with the whole file are thrown as FileRejectedError.
import path from 'node:path';
import { FileRejectedError } from '../domain/errors.ts';
import { compileGlob } from '../domain/glob.ts';
import type { MappedRow, ReadRecord } from '../domain/read-row.ts';
import type { PointsOptions, VendorConfig, VendorFormat, VendorSource } from '../domain/vendor-config.ts';
import { type MappedFlow, mapFlowRecord } from '../map/map-flow.ts';
import { mapPoint, mapRecord } from '../map/map-record.ts';
import { PointSeries } from '../map/points.ts';
import { readCsvRecords } from './csv.ts';
import type { ReaderHooks } from './hooks.ts';
import { readJsonRecords } from './json.ts';

export type { ReaderHooks, SkippedRow } from './hooks.ts';

const FORMAT_OF_EXTENSION = new Map<string, VendorFormat>([
  ['.csv', 'csv'],
  ['.txt', 'csv'],
  ['.tsv', 'csv'],
  ['.xlsx', 'xlsx'],
  ['.xlsm', 'xlsx'],
  ['.xls', 'xlsx'],
  ['.json', 'json'],
]);

/** Which of a vendor's sources a file is: by file pattern, else by extension, else the only one. */
export function resolveVendorSource(fileName: string, vendor: VendorConfig): VendorSource {
  const base = path.basename(fileName);
  const byPattern = vendor.sources.find((s) => s.filePatterns.some((p) => compileGlob(p).test(base)));
  if (byPattern) return byPattern;
  const format = FORMAT_OF_EXTENSION.get(path.extname(base).toLowerCase());
  const byExtension = vendor.sources.find((s) => s.format === format);
  if (byExtension) return byExtension;
  if (vendor.sources.length === 1 && format === undefined) return vendor.sources[0] as VendorSource;
  const formats = vendor.sources.map((s) => s.format).join(' or ');
  throw new FileRejectedError(
    `vendor "${vendor.code}" sends ${formats} files; this file's extension "${path.extname(base)}" is none of these`,
    { file: base },
    `Send the file with the right extension, or pick the vendor that sends ${format ?? 'this'} files.`,
  );
}

type XlsxSource = typeof import('./xlsx-source.ts');

/** exceljs takes about half a second to load; only workbooks pay for it. */
async function* fromXlsx<T>(read: (xlsx: XlsxSource) => AsyncGenerator<T>): AsyncGenerator<T> {
  yield* read(await import('./xlsx-source.ts'));
}

export function readRecords(
  filePath: string,
  source: VendorSource,
  hooks: ReaderHooks = {},
): AsyncGenerator<ReadRecord> {
  switch (source.format) {
    case 'csv':
      return readCsvRecords(filePath, source, hooks);
    case 'json':
      return readJsonRecords(filePath, source, hooks);
    case 'xlsx':
      return fromXlsx((xlsx) => xlsx.readXlsxRecords(filePath, source, hooks));
  }
}

/**
 * Read a vendor file into mapped rows. Skipped rows (title rows, blanks, totals, footnotes)
 * are reported through `onSkippedRow`, never dropped silently.
 */
export async function* readVendorFile(
  filePath: string,
  vendor: VendorConfig,
  options: ReaderHooks = {},
): AsyncGenerator<MappedRow> {
  const source = resolveVendorSource(options.fileName ?? filePath, vendor);
  if (
    source.format === 'xlsx' &&
    (source.xlsx?.flowSheet !== undefined || source.xlsx?.flowSheetPattern !== undefined)
  ) {
    yield* readWorkbookWithFlowSheet(filePath, vendor, source, options);
    return;
  }
  if (source.points) {
    yield* readPoints(filePath, vendor, source, source.points, options);
    return;
  }
  for await (const raw of readRecords(filePath, source, options)) {
    yield mapRecord(raw, vendor, source);
  }
}

/** A time series: each point after an account's first closes a period (map/points.ts). */
async function* readPoints(
  filePath: string,
  vendor: VendorConfig,
  source: VendorSource,
  points: PointsOptions,
  options: ReaderHooks,
): AsyncGenerator<MappedRow> {
  const series = new PointSeries(points);
  for await (const raw of readRecords(filePath, source, options)) {
    const outcome = series.accept(mapPoint(raw, vendor, source));
    if (outcome.kind === 'row') {
      yield outcome.row;
      continue;
    }
    if (outcome.gap !== undefined) options.onWarning?.(outcome.location, outcome.gap);
    options.onSkippedRow?.({ location: outcome.location, reason: outcome.reason, text: outcome.text });
  }
}

/**
 * A workbook with dated flows on their own sheet: the flows are read first (held in memory;
 * flow sheets are small beside the periods), then each period takes the flows of its account
 * dated after period_start up to and including period_end. A flow that fits no period, or a
 * bad flow row, is quarantined with its own sheet and row.
 */
async function* readWorkbookWithFlowSheet(
  filePath: string,
  vendor: VendorConfig,
  source: VendorSource,
  options: ReaderHooks,
): AsyncGenerator<MappedRow> {
  const xlsx = source.xlsx;
  const flowFields = xlsx?.flowFields ?? {};
  const required = (['account_id', 'flow_date', 'flow_amount'] as const)
    .map((f) => flowFields[f])
    .filter((m) => m !== undefined && m.value === undefined)
    .map((m) => m?.sources ?? []);
  const flowsByAccount = new Map<string, { flow: MappedFlow; used: boolean }[]>();
  const flowRecords = fromXlsx((reader) =>
    reader.readXlsxSheet(
      filePath,
      source,
      { sheet: xlsx?.flowSheet, sheetPattern: xlsx?.flowSheetPattern, required },
      { ...options, onHeader: undefined, onProgress: undefined },
    ),
  );
  for await (const raw of flowRecords) {
    const mapped = mapFlowRecord(raw, vendor, source);
    if (mapped === undefined) continue;
    if (!mapped.ok) {
      yield mapped;
      continue;
    }
    const list = flowsByAccount.get(mapped.accountId) ?? [];
    list.push({ flow: mapped, used: false });
    flowsByAccount.set(mapped.accountId, list);
  }
  for await (const raw of readRecords(filePath, source, options)) {
    const row = mapRecord(raw, vendor, source);
    if (row.ok) {
      const { accountId, periodStart, periodEnd } = row.record;
      const candidates = flowsByAccount.get(accountId) ?? [];
      const joined = candidates.filter(
        (c) => !c.used && c.flow.flow.date > periodStart && c.flow.flow.date <= periodEnd,
      );
      for (const c of joined) {
        c.used = true;
        row.record.flows.push(c.flow.flow);
      }
      if (joined.length > 0) {
        row.record.flows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
        row.fieldSources.flows = joined.map((c) => formatFlowLocation(c.flow)).join('; ');
      }
    }
    yield row;
  }
  for (const [accountId, list] of flowsByAccount) {
    for (const c of list) {
      if (c.used) continue;
      yield {
        ok: false,
        location: c.flow.location,
        raw: { account_id: accountId, flow_date: c.flow.flow.date, flow_amount: c.flow.flow.amount },
        problems: [
          {
            field: 'flow_date',
            value: c.flow.flow.date,
            reason: `flow of account ${accountId} on ${c.flow.flow.date} falls in no period of this file`,
          },
        ],
      };
    }
  }
}

function formatFlowLocation(flow: MappedFlow): string {
  const { sheet, row } = flow.location;
  return `sheet "${sheet ?? ''}" row ${row ?? '?'}`;
}
