// Mutations of valid sample files for the ingest fuzz test: each takes the file's bytes and a
// seeded PRNG and returns a damaged copy with a name saying what was done, so a finding can be
// reproduced and kept as a fixture. Text mutations work on CSV and JSON alike; zip mutations
// damage an xlsx as a transfer or a broken producer would.
import { readZipParts, writeZip, type ZipPart } from '../fixtures/xlsx/zip-tools.ts';
import type { Prng } from '../support/prng.ts';

export interface Mutant {
  kind: string;
  data: Buffer;
}

type TextMutation = (text: string, random: Prng) => string;
type ByteMutation = (data: Buffer, random: Prng) => Buffer;

const JUNK_NUMBERS = [
  '1e400',
  '-1e400',
  'NaN',
  'Infinity',
  '-0',
  '99999999999999999999999999999999',
  '0.000000000000000000000000000001',
  '1,000.00',
  '1.000,00',
  '0x1F',
  '--5',
  '5-',
  '(12.50)',
  '12.5%',
  '١٢٣',
  '',
  ' ',
  'null',
  '"',
  '=1+1',
  '__proto__',
  'constructor',
];

const lines = (text: string) => text.split(/(?<=\n)/);

const splitLine = (line: string, separator: string) => line.replace(/\r?\n$/, '').split(separator);

function separatorOf(text: string): string {
  const header = lines(text).find((line) => line.includes(',') || line.includes(';')) ?? '';
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ';' : ',';
}

/** The text mutations; each one small, so the damage is easy to read in a saved fixture. */
export const TEXT_MUTATIONS: Record<string, TextMutation> = {
  truncate: (text, random) => text.slice(0, random.below(text.length)),
  deleteLine: (text, random) => {
    const all = lines(text);
    all.splice(random.below(all.length), 1);
    return all.join('');
  },
  repeatLine: (text, random) => {
    const all = lines(text);
    const at = random.below(all.length);
    all.splice(random.below(all.length), 0, all[at] ?? '');
    return all.join('');
  },
  insertJunkLine: (text, random) => {
    const all = lines(text);
    const junk = random.pick([
      '\n',
      ',,,,,\n',
      'TOTAL;;;;;;;\n',
      '"\n',
      '{\n',
      '}\n',
      '\t\t\n',
      'x'.repeat(100),
    ]);
    all.splice(random.below(all.length + 1), 0, junk);
    return all.join('');
  },
  swapColumns: (text, random) => {
    const separator = separatorOf(text);
    const width = Math.max(...lines(text).map((line) => splitLine(line, separator).length));
    const a = random.below(width);
    const b = random.below(width);
    return lines(text)
      .map((line) => {
        const cells = splitLine(line, separator);
        if (cells.length <= Math.max(a, b)) return line;
        [cells[a], cells[b]] = [cells[b] ?? '', cells[a] ?? ''];
        return `${cells.join(separator)}${line.endsWith('\n') ? '\n' : ''}`;
      })
      .join('');
  },
  swapKeys: (text, random) => {
    const keys = [...new Set(text.match(/"[A-Za-z_]+"(?=\s*:)/g) ?? [])];
    if (keys.length < 2) return text;
    const a = random.pick(keys);
    const b = random.pick(keys);
    return text.replaceAll(a, '\u0000').replaceAll(b, a).replaceAll('\u0000', b);
  },
  junkNumbers: (text, random) => {
    const numbers = [...text.matchAll(/-?\d[\d,.]*/g)];
    let out = text;
    for (let n = 1 + random.below(4); n > 0 && numbers.length > 0; n--) {
      const match = random.pick(numbers);
      const at = out.indexOf(match[0], match.index);
      if (at < 0) continue;
      out = `${out.slice(0, at)}${random.pick(JUNK_NUMBERS)}${out.slice(at + match[0].length)}`;
    }
    return out;
  },
  hugeLine: (text, random) => {
    const all = lines(text);
    all.splice(1 + random.below(all.length), 0, `${'9'.repeat(2_000_000)}\n`);
    return all.join('');
  },
  hugeString: (text, random) => {
    const at = random.below(text.length);
    return `${text.slice(0, at)}${'A'.repeat(300_000)}${text.slice(at)}`;
  },
  longIdentifier: (text) => text.replace(/ACC-\d+/, `ACC-${'7'.repeat(10_000)}`),
  unclosedQuote: (text, random) => {
    const at = random.below(text.length);
    return `${text.slice(0, at)}"${text.slice(at)}`;
  },
  deepNesting: (text, random) => {
    const depth = random.pick([70, 500, 20_000]);
    const at = text.indexOf(':', random.below(text.length));
    if (at < 0) return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return `${text.slice(0, at + 1)}${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},${text.slice(at + 1)}`;
  },
  controlCharacters: (text, random) => {
    const at = random.below(text.length);
    return `${text.slice(0, at)}${random.pick(['\u0000', '\u001b[2J', '\r', '\ufeff', '\u2028', '\ud800'])}${text.slice(at)}`;
  },
  wrongRoot: (text, random) =>
    random.pick(['[]', '{}', 'null', '"text"', '42', `[${text}]`, `${text}${text}`, `{"records": ${text}}`]),
};

export const BYTE_MUTATIONS: Record<string, ByteMutation> = {
  flipBytes: (data, random) => {
    const out = Buffer.from(data);
    for (let n = 1 + random.below(8); n > 0 && out.length > 0; n--) {
      const at = random.below(out.length);
      out[at] = (out[at] ?? 0) ^ (1 + random.below(255));
    }
    return out;
  },
  truncateBytes: (data, random) => data.subarray(0, random.below(data.length)),
  randomRegion: (data, random) => {
    const at = random.below(data.length);
    const length = 1 + random.below(512);
    return Buffer.concat([data.subarray(0, at), random.bytes(length), data.subarray(at + length)]);
  },
  randomBinary: (_data, random) => random.bytes(1 + random.below(64 * 1024)),
  empty: () => Buffer.alloc(0),
  latin1: (data) => Buffer.from(data.toString('utf8').replaceAll('-', '–'), 'latin1'),
};

/** `count` mutants of a text file (CSV or JSON), cycling through every mutation. */
export function textMutants(data: Buffer, random: Prng, count: number): Mutant[] {
  const text = data.toString('utf8');
  const all: [string, (r: Prng) => Buffer][] = [
    ...Object.entries(TEXT_MUTATIONS).map(
      ([kind, mutate]) =>
        [kind, (r: Prng) => Buffer.from(mutate(text, r), 'utf8')] as [string, (r: Prng) => Buffer],
    ),
    ...Object.entries(BYTE_MUTATIONS).map(
      ([kind, mutate]) => [kind, (r: Prng) => mutate(data, r)] as [string, (r: Prng) => Buffer],
    ),
  ];
  return Array.from({ length: count }, (_, i) => {
    const [kind, mutate] = all[i % all.length] as [string, (r: Prng) => Buffer];
    return { kind, data: mutate(random) };
  });
}

type PartMutation = (parts: ZipPart[], random: Prng) => ZipPart[];

const textPart = (part: ZipPart) => part.name.endsWith('.xml') || part.name.endsWith('.rels');

/** Damage to one part of the workbook, re-packed into a well-formed zip. */
const PART_MUTATIONS: Record<string, PartMutation> = {
  dropPart: (parts, random) => parts.filter((_, i) => i !== random.below(parts.length)),
  wrongCrc: (parts, random) =>
    parts.map((p, i) => (i === random.below(parts.length) ? { ...p, crc: 12345 } : p)),
  sizeLie: (parts, random) => {
    const at = random.below(parts.length);
    return parts.map((p, i) => (i === at ? { ...p, size: p.data.length * 1000 + 1 } : p));
  },
  hiddenPart: (parts, random) => {
    const at = random.below(parts.length);
    return parts.map((p, i) => (i === at ? { ...p, hidden: true } : p));
  },
  storedUncompressed: (parts) => parts.map((p) => ({ ...p, stored: true })),
  duplicatePart: (parts, random) => {
    const copy = parts[random.below(parts.length)];
    return copy === undefined ? parts : [...parts, { ...copy }];
  },
};

/** `count` mutants of an xlsx: bytes of the zip flipped or cut, or one part damaged. */
export async function zipMutants(data: Buffer, random: Prng, count: number): Promise<Mutant[]> {
  const parts = await readZipParts(data);
  const xmlParts = parts.filter(textPart);
  const mutateXml = (kind: string, mutate: TextMutation): [string, (r: Prng) => Buffer] => [
    `part:${kind}`,
    (r) => {
      const target = r.pick(xmlParts);
      return writeZip(
        parts.map((p) =>
          p === target ? { ...p, data: Buffer.from(mutate(p.data.toString('utf8'), r), 'utf8') } : p,
        ),
      );
    },
  ];
  const all: [string, (r: Prng) => Buffer][] = [
    ...Object.entries(BYTE_MUTATIONS).map(
      ([kind, mutate]) => [kind, (r: Prng) => mutate(data, r)] as [string, (r: Prng) => Buffer],
    ),
    ...Object.entries(PART_MUTATIONS).map(
      ([kind, mutate]) =>
        [`zip:${kind}`, (r: Prng) => writeZip(mutate(parts, r))] as [string, (r: Prng) => Buffer],
    ),
    ...(
      ['truncate', 'junkNumbers', 'hugeString', 'deepNesting', 'controlCharacters', 'deleteLine'] as const
    ).map((kind) => mutateXml(kind, TEXT_MUTATIONS[kind] as TextMutation)),
    [
      'part:flipBytes',
      (r) => {
        const target = r.pick(xmlParts);
        return writeZip(
          parts.map((p) =>
            p === target ? { ...p, data: BYTE_MUTATIONS.flipBytes?.(p.data, r) ?? p.data } : p,
          ),
        );
      },
    ],
    [
      'part:junkCells',
      (r) =>
        writeZip(
          parts.map((p) =>
            p.name.startsWith('xl/worksheets/')
              ? {
                  ...p,
                  data: Buffer.from(
                    p.data
                      .toString('utf8')
                      .replace(/<v>[^<]*<\/v>/g, (v) =>
                        r.next() < 0.2 ? `<v>${r.pick(JUNK_NUMBERS)}</v>` : v,
                      ),
                  ),
                }
              : p,
          ),
        ),
    ],
  ];
  return Array.from({ length: count }, (_, i) => {
    const [kind, mutate] = all[i % all.length] as [string, (r: Prng) => Buffer];
    return { kind, data: mutate(random) };
  });
}
