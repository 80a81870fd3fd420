// A workbook's XML parts never declare a DOCTYPE; one that does is after entity expansion
// (a "billion laughs" multiplying text) or external entities (reading local files or URLs).
// Each XML part is scanned, as it is first decompressed, up to its root element; a DOCTYPE
// there refuses the workbook before any XML parser sees the part.

/** Parts that hold XML: the scan would misread the bytes of an image. */
export function isXmlPart(name: string): boolean {
  return /\.(xml|rels|vml)$/i.test(name);
}

/** Thrown when a part declares a DOCTYPE. */
export class XmlDoctypeError extends Error {
  readonly part: string;
  constructor(part: string) {
    super(
      `the part "${part}" declares a DOCTYPE, which workbooks never use and which can expand entities or load external files`,
    );
    this.name = 'XmlDoctypeError';
    this.part = part;
  }
}

const DOCTYPE = '<!DOCTYPE';

/**
 * Fed the chunks of one part in order; throws XmlDoctypeError if `<!DOCTYPE` comes before the
 * root element. The prolog is only whitespace, comments and processing instructions, so the
 * first `<` followed by a name starts the root element and ends the scan. NULs are dropped, so
 * a part in UTF-16 is scanned too.
 */
export class DoctypeScanner {
  private readonly part: string;
  private tail = '';
  private done = false;

  constructor(part: string) {
    this.part = part;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    const text = this.tail + chunk.toString('latin1').replaceAll('\0', '');
    const found = /<!DOCTYPE|<[A-Za-z_]/i.exec(text);
    if (found === null) {
      this.tail = text.slice(-(DOCTYPE.length - 1));
      return;
    }
    this.done = true;
    if (found[0].toUpperCase() === DOCTYPE) throw new XmlDoctypeError(this.part);
  }
}
