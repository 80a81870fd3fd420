// What the ingest fuzz test (test/fuzz) found, each mutant kept as a fixture: rejections that
// did not say where the file is broken. A JSON syntax error that V8 reports without a position
// ("Unexpected end of JSON input", "Unexpected token ','") is located by our own scan; an XML
// error inside a workbook names the part and the line and column in it, not the parser's bare
// "2:253".
import { describe, expect, it } from 'vitest';
import { builtInVendor, fixture, readError } from './helpers.ts';

describe('fuzz findings: every rejection says where the file is broken', () => {
  for (const [name, message] of [
    [
      'vendor-c-syntax-cut-short.json',
      'vendor-c-syntax-cut-short.json: not valid JSON at line 20, column 43: Unexpected end of JSON input',
    ],
    [
      'vendor-c-syntax-unexpected-comma.json',
      "vendor-c-syntax-unexpected-comma.json: not valid JSON at line 28, column 163: Unexpected token ','",
    ],
  ] as const) {
    it(`names the line and column of a JSON syntax error V8 leaves unplaced (${name})`, async () => {
      const error = await readError(fixture('json', 'not-ok', name), await builtInVendor('vendor-c'));
      expect(error.message).toBe(message);
    });
  }

  for (const [name, message] of [
    [
      'relationships-control-character.xlsx',
      'relationships-control-character.xlsx: the workbook could not be read: "xl/_rels/workbook.xml.rels", line 2, column 253: disallowed character.',
    ],
    [
      'shared-strings-flipped-byte.xlsx',
      'shared-strings-flipped-byte.xlsx: the workbook could not be read: "xl/sharedStrings.xml", line 2, column 1033: disallowed character.',
    ],
    [
      'shared-strings-text-outside-root.xlsx',
      'shared-strings-text-outside-root.xlsx: the workbook could not be read: "xl/sharedStrings.xml", line 1, column 1000: text data outside of root node.',
    ],
    [
      'sheet-unexpected-close-tag.xlsx',
      'sheet-unexpected-close-tag.xlsx, sheet "Performance", row 9: the workbook could not be read: "xl/worksheets/sheet2.xml", line 2, column 304477: unexpected close tag.',
    ],
  ] as const) {
    it(`names the workbook part of an XML error, with its line and column (${name})`, async () => {
      const error = await readError(fixture('xlsx', 'not-ok', name), await builtInVendor('vendor-b'));
      expect(error.message).toBe(message);
    });
  }
});
