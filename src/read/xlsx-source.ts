// Excel sources: the Excel reader (src/read/excel.ts, owned by the Excel work) is integrated here.
import type { VendorSource } from '../config/vendor-types.ts';
import { FileRejectedError } from '../domain/errors.ts';
import type { ReadRecord } from '../map/map-record.ts';
import type { ReaderHooks } from './hooks.ts';

export async function* readXlsxRecords(
  filePath: string,
  _source: VendorSource,
  _hooks: ReaderHooks,
): AsyncGenerator<ReadRecord> {
  yield* [];
  throw new FileRejectedError('reading Excel workbooks is not available yet', { file: filePath });
}
