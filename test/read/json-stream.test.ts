import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MappedRow } from '../../src/domain/read-row.ts';
import { mapRecord } from '../../src/map/map-record.ts';
import { readJsonRecords } from '../../src/read/json.ts';
import { ArrayElementScanner } from '../../src/read/json-stream.ts';
import { builtInVendor, fixture } from './helpers.ts';

async function read(
  file: string,
  code: string,
  streamAboveBytes: number,
): Promise<{ rows: MappedRow[]; header?: string[]; error?: string }> {
  const vendor = await builtInVendor(code);
  const source = vendor.sources.find((s) => s.format === 'json');
  if (!source) throw new Error('no json source');
  const rows: MappedRow[] = [];
  let header: string[] | undefined;
  try {
    for await (const raw of readJsonRecords(
      file,
      source,
      { onHeader: (h) => (header = h) },
      { streamAboveBytes },
    )) {
      rows.push(mapRecord(raw, vendor, source));
    }
  } catch (e) {
    return { rows, error: (e as Error).message };
  }
  return header ? { rows, header } : { rows };
}

function scan(text: string, target: string[], chunkSize: number): { elements: string[]; envelope: string } {
  const scanner = new ArrayElementScanner(target);
  const elements: string[] = [];
  for (let i = 0; i < text.length; i += chunkSize)
    elements.push(...scanner.feed(text.slice(i, i + chunkSize)));
  return { elements, envelope: scanner.envelopeText() };
}

describe('streamed JSON', () => {
  it('cuts the elements of the target array out, whatever the chunk size', () => {
    const text = `{"meta": {"records": [9]}, "we\\"ird": "a]b,c[", "records" : [ {"a": "x,]}\\"y", "b": [1, {"c": 2}]} ,
      7, "s", null, [1,2] ], "after": {"k": [3]} }`;
    for (const size of [1, 2, 3, 7, 1000]) {
      const { elements, envelope } = scan(text, ['records'], size);
      expect(elements).toEqual(['{"a": "x,]}\\"y", "b": [1, {"c": 2}]}', '7', '"s"', 'null', '[1,2]']);
      expect(JSON.parse(envelope)).toEqual({
        meta: { records: [9] },
        'we"ird': 'a]b,c[',
        records: [],
        after: { k: [3] },
      });
    }
  });

  it('finds a nested target path and leaves other arrays alone', () => {
    const { elements } = scan(
      '{"data": {"other": [1], "items": [{"x": 1}, {"x": 2}]}}',
      ['data', 'items'],
      5,
    );
    expect(elements).toEqual(['{"x": 1}', '{"x": 2}']);
  });

  it('reads every JSON fixture the same streamed as whole', async () => {
    const cases: [string, string][] = [];
    for (const dir of ['ok', 'not-ok']) {
      for (const name of await readdir(fixture('json', dir)))
        cases.push([fixture('json', dir, name), name.startsWith('vendor-c') ? 'vendor-c' : 'canonical']);
    }
    expect(cases.length).toBeGreaterThanOrEqual(9);
    for (const [file, code] of cases) {
      const whole = await read(file, code, Number.MAX_SAFE_INTEGER);
      const streamed = await read(file, code, 0);
      if (file.includes('syntax')) {
        // Read whole, nothing of a broken document is read; streamed, the elements before the
        // break are (ingest rejects the file either way, storing none of them).
        expect(whole.rows, file).toEqual([]);
        expect(whole.error, file).toMatch(/: not valid JSON at line \d+, column \d+: /);
        expect(streamed.error, file).toMatch(/: not valid JSON/);
      } else {
        expect(streamed.rows, file).toEqual(whole.rows);
        expect(streamed.header, file).toEqual(whole.header);
      }
      if (file.endsWith('canonical-syntax.json')) {
        // Streamed, a syntax error is placed in its element rather than at a line and column.
        expect(streamed.error).toBe(
          'canonical-syntax.json, $.records[0]: not valid JSON in $.records[0]: Expected double-quoted property name',
        );
      } else if (!file.includes('syntax')) {
        expect(streamed.error, file).toEqual(whole.error);
      }
    }
  });

  it('streams a document of many chunks, records in order, numbers with their digits', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfrecon-json-'));
    const file = path.join(dir, 'vendorc_big.json');
    const accounts = [];
    for (let a = 0; a < 300; a++) {
      const periods = [];
      for (let p = 0; p < 12; p++) {
        periods.push(
          `{"startDate":"2023-${String(p + 1).padStart(2, '0')}-01","endDate":"2023-${String(p + 1).padStart(2, '0')}-28",` +
            `"values":{"begin":${a}.10,"end":"${a + p}.250"},"cashFlows":[{"date":"2023-${String(p + 1).padStart(2, '0')}-15","amount":-1.50}],"twr":"0.0${p}"}`,
        );
      }
      accounts.push(
        `{"accountId":"C-${a}","note":"${'padding '.repeat(1000)}","baseCurrency":"EUR","periods":[${periods.join(',\n')}]}`,
      );
    }
    await writeFile(file, `{"provider":"C","accounts":[\n${accounts.join(',\n')}\n]}`);
    const { rows } = await read(file, 'vendor-c', 0);
    expect(rows).toHaveLength(3600);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(rows[3599]).toMatchObject({
      location: { jsonPath: '$.accounts[299].periods[11]' },
      record: {
        accountId: 'C-299',
        beginMarketValue: '299.10',
        endMarketValue: '310.250',
        flows: [{ amount: '-1.50' }],
      },
    });
  });
});
