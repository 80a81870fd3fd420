// Deeply nested JSON used to overflow the stack ("Maximum call stack size exceeded") in the
// reader's recursive walks. Nesting is limited while the text is scanned, whole or streamed;
// the file is rejected with the JSON path where the limit is crossed and the limit.
import { describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../src/domain/errors.ts';
import { readJsonRecords } from '../../src/read/json.ts';
import { builtInVendor, fixture } from './helpers.ts';

const DEEP_PATH = `$.records[1].notes.history${'[0]'.repeat(60)}`;
const ENVELOPE_PATH = `$.meta.tree${'.a'.repeat(62)}`;

async function rejection(name: string, streamAboveBytes: number): Promise<FileRejectedError> {
  const source = (await builtInVendor('canonical')).sources.find((s) => s.format === 'json');
  if (source === undefined) throw new Error('no json source');
  try {
    for await (const _ of readJsonRecords(
      fixture('json', 'not-ok', name),
      source,
      {},
      { streamAboveBytes },
    )) {
      // read to the end
    }
  } catch (error) {
    expect(error).toBeInstanceOf(FileRejectedError);
    return error as FileRejectedError;
  }
  throw new Error(`${name} was read without an error`);
}

describe('JSON nesting depth', () => {
  for (const [mode, streamAboveBytes] of [
    ['read whole', Number.POSITIVE_INFINITY],
    ['streamed', 0],
  ] as const) {
    it(`rejects a record nested deeper than 64 levels, with its path (${mode})`, async () => {
      const e = await rejection('canonical-deep-nesting.json', streamAboveBytes);
      expect(e.message).toBe(
        `canonical-deep-nesting.json, ${DEEP_PATH}: the JSON nests deeper than 64 levels here`,
      );
      expect(e.location).toEqual({ file: 'canonical-deep-nesting.json', jsonPath: DEEP_PATH });
      expect(e.hint).toBe(
        "Performance data needs a few levels of nesting; check that this is the vendor's file and ask them to send it again.",
      );
    });

    it(`rejects an envelope nested deeper than 64 levels (${mode})`, async () => {
      const e = await rejection('canonical-deep-envelope.json', streamAboveBytes);
      expect(e.location).toEqual({ file: 'canonical-deep-envelope.json', jsonPath: ENVELOPE_PATH });
    });
  }
});
