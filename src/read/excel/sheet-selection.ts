// Which sheets may hold the data: one named exactly, those matching a pattern, or (with
// neither) every worksheet, tried in tab order for the first whose header row matches.
import { FileRejectedError } from '../../domain/errors.ts';
import type { WorkbookSheet } from './workbook-structure.ts';

/**
 * A sheet pattern is a regular expression when written `/source/flags` or when it uses syntax
 * only a regular expression has (`^ $ ( ) | + { } \`), searched case-insensitively; otherwise
 * it is a glob over the whole name (`*` any run, `?` one character), case-insensitive.
 * `Perf*` is a glob; `^Perf(ormance)?$` and `/perf/` are regular expressions.
 */
export function compileSheetPattern(pattern: string): RegExp {
  const literal = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (literal) {
    const flags = literal[2] ?? '';
    return new RegExp(literal[1] ?? '', flags.includes('i') ? flags : `${flags}i`);
  }
  if (/[\^$()|+{}\\]/.test(pattern)) return new RegExp(pattern, 'i');
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

function listSheets(sheets: readonly WorkbookSheet[]): string {
  return sheets.map((sheet) => `"${sheet.name}"`).join(', ');
}

export interface SheetChoice {
  sheets: WorkbookSheet[];
  /** The sheet was asked for by name or by a pattern that matched one sheet: it must hold the header. */
  explicit: boolean;
}

export function chooseCandidateSheets(
  all: readonly WorkbookSheet[],
  options: { sheet?: string; sheetPattern?: string },
  file: string,
): SheetChoice {
  const worksheets = all.filter((sheet) => sheet.kind === 'worksheet');
  if (worksheets.length === 0) {
    throw new FileRejectedError(
      'the workbook has no worksheets',
      { file },
      'Ask the vendor for the workbook that holds the data.',
    );
  }
  if (options.sheet !== undefined) {
    const wanted = options.sheet;
    // Excel treats sheet names case-insensitively, so a case-only rename still finds its sheet.
    const sheet =
      all.find((candidate) => candidate.name === wanted) ??
      all.find((candidate) => candidate.name.trim().toLowerCase() === wanted.trim().toLowerCase());
    if (sheet === undefined) {
      throw new FileRejectedError(
        `no sheet named "${wanted}"; the workbook has ${listSheets(all)}`,
        { file },
        "Check the sheet name in the vendor's configuration, or whether the vendor renamed the sheet.",
      );
    }
    if (sheet.kind !== 'worksheet') {
      throw new FileRejectedError(
        `sheet "${sheet.name}" is a chart sheet, not a worksheet`,
        { file, sheet: sheet.name },
        "Check the sheet name in the vendor's configuration.",
      );
    }
    return { sheets: [sheet], explicit: true };
  }
  if (options.sheetPattern !== undefined) {
    const pattern = compileSheetPattern(options.sheetPattern);
    const matching = worksheets.filter((sheet) => pattern.test(sheet.name));
    if (matching.length === 0) {
      throw new FileRejectedError(
        `no sheet matches "${options.sheetPattern}"; the workbook has ${listSheets(all)}`,
        { file },
        "Check the sheet pattern in the vendor's configuration, or whether the vendor renamed the sheet.",
      );
    }
    return { sheets: matching, explicit: matching.length === 1 };
  }
  return { sheets: worksheets, explicit: worksheets.length === 1 };
}
