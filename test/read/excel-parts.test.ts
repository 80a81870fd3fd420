// The Excel reader's pure parts, each against worked cases.
import { describe, expect, it } from 'vitest';
import { matchesFooterPattern } from '../../src/domain/footer.ts';
import { convertCellValue, decodeOoxmlEscapes } from '../../src/read/excel/cell-value.ts';
import { HeaderRowSearch, headerLayout, normalizeHeader } from '../../src/read/excel/header-row.ts';
import {
  columnLetters,
  columnNumber,
  MergedCellFiller,
  MergeRangeScanner,
  parseCellRange,
} from '../../src/read/excel/merged-cells.ts';
import { compileSheetPattern } from '../../src/read/excel/sheet-selection.ts';
import { parseWorkbookStructure } from '../../src/read/excel/workbook-structure.ts';

describe('sheet patterns', () => {
  it.each([
    ['Perf*', 'Performance', true],
    ['Perf*', 'perf feb 2024', true],
    ['Perf*', 'Cover Perf', false],
    ['Perf?', 'Perf1', true],
    ['Perf?', 'Perf10', false],
    ['Performance.xlsx', 'Performance_xlsx', false],
    ['/^perf/', 'PERFORMANCE', true],
    ['/flows$/', 'Dated flows', true],
    ['^Perf(ormance)?$', 'Perf', true],
    ['^Perf(ormance)?$', 'Performance 2', false],
  ])('%s against "%s" is %s', (pattern, name, matches) => {
    expect(compileSheetPattern(pattern).test(name)).toBe(matches);
  });
});

describe('footer patterns', () => {
  it.each([
    ['Total', 'total', true],
    ['TOTAL:', 'total', true],
    ['Total EUR', 'total', true],
    ['  Total  ', 'total', true],
    ['Totally Fine Fund', 'total', false],
    ['Subtotal Equities', 'subtotal', true],
    ['Notes', 'note', false],
    ['Notes', 'notes', true],
    ['Notebook Fund', 'note', false],
    ['Source: NAV team', 'source:', true],
    ['Sources', 'source:', false],
    ['* net of fees', '*', true],
    ['*net of fees', '*', true],
    ['Gesamtsumme', 'summe', false],
    ['Summe Aktien', 'summe', true],
  ])('"%s" with %s is %s', (cell, pattern, matches) => {
    expect(matchesFooterPattern(cell, pattern)).toBe(matches);
  });
});

describe('cell references', () => {
  it('converts column letters both ways', () => {
    expect([1, 26, 27, 52, 703, 16384].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA', 'XFD']);
    expect(['A', 'z', 'AA', 'AZ', 'AAA', 'XFD'].map(columnNumber)).toEqual([1, 26, 27, 52, 703, 16384]);
  });

  it('parses ranges, absolute references and single cells', () => {
    expect(parseCellRange('B5:D7')).toEqual({ top: 5, left: 2, bottom: 7, right: 4 });
    expect(parseCellRange('$D$7:$B$5')).toEqual({ top: 5, left: 2, bottom: 7, right: 4 });
    expect(parseCellRange('C3')).toEqual({ top: 3, left: 3, bottom: 3, right: 3 });
    expect(parseCellRange('Sheet1!A1')).toBeUndefined();
  });
});

describe('merged cells', () => {
  it('collects merge ranges even when a tag is split across chunks', () => {
    const xml = Buffer.from(
      '<worksheet><sheetData><row r="1"/></sheetData><mergeCells count="2"><mergeCell ref="A1:F1"/><x:mergeCell ref="A10:A11"/><mergeCell ref="B2"/></mergeCells></worksheet>',
    );
    const scanner = new MergeRangeScanner();
    for (let at = 0; at < xml.length; at += 7) scanner.push(xml.subarray(at, at + 7));
    // B2 alone is no merge.
    expect(scanner.ranges).toEqual([
      { top: 1, left: 1, bottom: 1, right: 6 },
      { top: 10, left: 1, bottom: 11, right: 1 },
    ]);
  });

  it('fills covered cells from the top-left value, across and down', () => {
    const filler = new MergedCellFiller([
      { top: 2, left: 1, bottom: 3, right: 2 },
      { top: 5, left: 3, bottom: 6, right: 3 },
    ]);
    const row2 = [null, 'X', null, 'keep'];
    expect(filler.fill(2, row2, 'all')).toEqual([2]);
    expect(row2).toEqual([null, 'X', 'X', 'keep']);
    const row3 = [null, null, null, 1];
    filler.fill(3, row3, 'all');
    expect(row3).toEqual([null, 'X', 'X', 1]);
    const row4 = [null, null, null, null];
    expect(filler.fill(4, row4, 'all')).toEqual([]);
    expect(row4).toEqual([null, null, null, null]);
    // Row 5 is absent from the file: the merge starting there has no value to give row 6.
    const row6 = [null, 'a', null, null];
    filler.fill(6, row6, 'all');
    expect(row6).toEqual([null, 'a', null, null]);
  });

  it('fills only down the first column in header mode', () => {
    const filler = new MergedCellFiller([
      { top: 1, left: 1, bottom: 2, right: 1 },
      { top: 1, left: 2, bottom: 1, right: 3 },
    ]);
    const top = [null, 'Account', 'Market value', null];
    filler.fill(1, top, 'vertical');
    expect(top).toEqual([null, 'Account', 'Market value', null]);
    const second = [null, null, 'Begin', 'End'];
    filler.fill(2, second, 'vertical');
    expect(second).toEqual([null, 'Account', 'Begin', 'End']);
  });
});

describe('cell values', () => {
  it('gives formulas their cached result, including 0, false and text', () => {
    expect(convertCellValue({ formula: 'SUM(A1:A2)', result: 0 })).toEqual({ value: 0 });
    expect(convertCellValue({ formula: 'A1>1', result: false })).toEqual({ value: false });
    expect(convertCellValue({ formula: 'A1&"x"', result: 'ax' })).toEqual({ value: 'ax' });
    expect(convertCellValue({ formula: 'NA()', result: { error: '#N/A' } })).toEqual({ value: '#N/A' });
    expect(convertCellValue({ sharedFormula: 'B2', result: 7 })).toEqual({ value: 7 });
  });

  it('reports a formula without a cached result instead of inventing a value', () => {
    expect(convertCellValue({ formula: 'E8/D8-1' })).toEqual({
      value: null,
      problem: 'formula =E8/D8-1 has no saved result (the file was never calculated)',
    });
  });

  it('flattens rich text and hyperlinks to their text', () => {
    expect(
      convertCellValue({ richText: [{ text: 'Return' }, { text: ' %', font: { bold: true } }] }),
    ).toEqual({
      value: 'Return %',
    });
    expect(convertCellValue({ text: 'Fund', hyperlink: 'https://example.org' })).toEqual({ value: 'Fund' });
    expect(convertCellValue({ text: { richText: [{ text: 'A' }, { text: 'B' }] }, hyperlink: 'x' })).toEqual({
      value: 'AB',
    });
  });

  it('keeps numbers and booleans, turns empty text and non-finite numbers into null, dates into serials', () => {
    expect(convertCellValue(45322)).toEqual({ value: 45322 });
    expect(convertCellValue(true)).toEqual({ value: true });
    expect(convertCellValue('')).toEqual({ value: null });
    expect(convertCellValue(Number.NaN)).toEqual({ value: null });
    expect(convertCellValue(new Date(Date.UTC(2024, 0, 31)))).toEqual({ value: 45322 });
  });

  it('decodes the _xHHHH_ escapes of OOXML strings', () => {
    expect(decodeOoxmlEscapes('Net_x000D__x000A_flows')).toBe('Net\r\nflows');
    expect(decodeOoxmlEscapes('plain_x_text')).toBe('plain_x_text');
  });
});

describe('header row', () => {
  it('compares headers case-insensitively, trimmed, with inner whitespace collapsed', () => {
    expect(normalizeHeader('  Net\r\n flows ')).toBe('net flows');
    expect(normalizeHeader('RETURN %')).toBe('return %');
    expect(normalizeHeader('Net_x000D__x000A_flows')).toBe('net flows');
  });

  it('finds the first row holding every field under any alias, and remembers the closest before it', () => {
    const search = new HeaderRowSearch([['Account', 'Konto'], ['BMV', 'Begin MV'], ['EMV']]);
    expect(search.consider(1, [null, 'Report', null])).toBe(false);
    expect(search.consider(2, [null, 'Account', 'BMV'])).toBe(false);
    expect(search.consider(3, [null, 'konto', 'Account', 'Begin mv'])).toBe(false);
    expect(search.closest).toEqual({ row: 2, found: 2, missing: [['EMV']], texts: ['Account', 'BMV'] });
    expect(search.consider(4, [null, ' KONTO ', 42, 'begin MV', 'EMV'])).toBe(true);
  });

  it('keys repeated headers by column letter so no value is lost', () => {
    const layout = headerLayout(4, [null, 'Return', 2024, null, 'Return', 'Return']);
    expect(layout.columns.map((column) => [column.column, column.key])).toEqual([
      [1, 'Return'],
      [2, '2024'],
      [4, 'Return (D)'],
      [5, 'Return (E)'],
    ]);
    expect(layout.duplicates).toEqual([
      '"Return" (column D read as "Return (D)")',
      '"Return" (column E read as "Return (E)")',
    ]);
  });
});

describe('workbook structure', () => {
  const rels =
    '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="/xl/chartsheets/sheet1.xml"/>' +
    '<Relationship Id="rId3" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="./worksheets/../worksheets/sheet3.xml"/></Relationships>';

  it('lists sheets in tab order with their parts, kinds and visibility', () => {
    const structure = parseWorkbookStructure(
      '<workbook xmlns:r="r"><workbookPr date1904="1"/><sheets><sheet name="P&amp;L &#8364;" sheetId="3" r:id="rId3"/><sheet name="Chart" sheetId="2" r:id="rId2"/><sheet name=\'Hidden\' sheetId="1" state="hidden" r:id="rId1"/></sheets></workbook>',
      rels,
    );
    expect(structure).toEqual({
      sheets: [
        { name: 'P&L €', part: 'xl/worksheets/sheet3.xml', kind: 'worksheet', hidden: false },
        { name: 'Chart', part: 'xl/chartsheets/sheet1.xml', kind: 'chartsheet', hidden: false },
        { name: 'Hidden', part: 'xl/worksheets/sheet1.xml', kind: 'worksheet', hidden: true },
      ],
      date1904: true,
      prefixedElements: false,
    });
  });

  it('notices namespace-prefixed elements', () => {
    const structure = parseWorkbookStructure(
      '<x:workbook xmlns:x="m"><x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
      rels,
    );
    expect(structure.prefixedElements).toBe(true);
    expect(structure.sheets.map((sheet) => sheet.name)).toEqual(['S']);
  });
});
