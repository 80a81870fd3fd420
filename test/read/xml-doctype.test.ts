import { describe, expect, it } from 'vitest';
import { DoctypeScanner, XmlDoctypeError } from '../../src/read/excel/xml-doctype.ts';

function scan(chunks: Buffer[]): unknown {
  const scanner = new DoctypeScanner('xl/sharedStrings.xml');
  try {
    for (const chunk of chunks) scanner.push(chunk);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('DoctypeScanner', () => {
  it('finds a DOCTYPE cut between chunks, behind a long prolog', () => {
    const text = `<?xml version="1.0"?>${' '.repeat(100_000)}<!-- x --><!DOCTYPE sst [<!ENTITY a "b">]><sst/>`;
    const at = text.indexOf('DOCTYPE') + 3;
    expect(scan([Buffer.from(text.slice(0, at)), Buffer.from(text.slice(at))])).toEqual(
      new XmlDoctypeError('xl/sharedStrings.xml'),
    );
  });

  it('finds a DOCTYPE in a part written in UTF-16', () => {
    expect(
      scan([Buffer.from('\uFEFF<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst><sst/>', 'utf16le')]),
    ).toBeInstanceOf(XmlDoctypeError);
  });

  it('stops at the root element: text after it is content', () => {
    expect(
      scan([Buffer.from('<?xml version="1.0"?><sst><si><t>&lt;!DOCTYPE</t></si>'), Buffer.from('<!DOCTYPE')]),
    ).toBe(undefined);
  });
});
