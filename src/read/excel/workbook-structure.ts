// The sheet list of a workbook, in tab order, from xl/workbook.xml and its relationships.
// Both parts are small, so they are read whole and scanned for the few attributes needed;
// the rows themselves are left to the streaming parser.

export interface WorkbookSheet {
  /** The tab name as the user sees it. */
  name: string;
  /** The zip entry holding the sheet, e.g. `xl/worksheets/sheet2.xml`; undefined when the relationship is missing. */
  part: string | undefined;
  kind: 'worksheet' | 'chartsheet' | 'other';
  hidden: boolean;
}

export interface WorkbookStructure {
  sheets: WorkbookSheet[];
  /** Serial dates count from 1904-01-01 instead of 1899-12-30 (old Mac workbooks). */
  date1904: boolean;
  /** Elements carry a namespace prefix (`<x:sheet>`), which exceljs's streaming parser does not read. */
  prefixedElements: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? '';
  });
}

/** Attributes of an XML start tag, keyed by their qualified name. */
export function parseAttributes(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes.set(match[1] ?? '', decodeXmlText(match[2] ?? match[3] ?? ''));
  }
  return attributes;
}

function localAttribute(
  attributes: Map<string, string>,
  localName: string,
  prefixed: boolean,
): string | undefined {
  for (const [name, value] of attributes) {
    const colon = name.indexOf(':');
    if (prefixed ? colon >= 0 && name.slice(colon + 1) === localName : name === localName) return value;
  }
  return undefined;
}

interface Relationship {
  target: string;
  type: string;
}

function parseRelationships(relsXml: string): Map<string, Relationship> {
  const relationships = new Map<string, Relationship>();
  for (const match of relsXml.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)) {
    const attributes = parseAttributes(match[1] ?? '');
    const id = attributes.get('Id');
    if (id !== undefined) {
      relationships.set(id, { target: attributes.get('Target') ?? '', type: attributes.get('Type') ?? '' });
    }
  }
  return relationships;
}

/** Resolves a relationship target of xl/workbook.xml to a zip entry name. */
function resolvePart(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = ['xl'];
  for (const segment of target.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return parts.join('/');
}

export function parseWorkbookStructure(workbookXml: string, relsXml: string): WorkbookStructure {
  const relationships = parseRelationships(relsXml);
  const sheets: WorkbookSheet[] = [];
  // `sheet\b` does not match `<sheets>`: the `s` that follows is a word character.
  for (const match of workbookXml.matchAll(/<(?:[\w.-]+:)?sheet\b([^>]*)>/g)) {
    const attributes = parseAttributes(match[1] ?? '');
    const relationshipId = localAttribute(attributes, 'id', true);
    const relationship = relationshipId === undefined ? undefined : relationships.get(relationshipId);
    const type = relationship?.type ?? '';
    sheets.push({
      name: attributes.get('name') ?? '',
      part: relationship === undefined ? undefined : resolvePart(relationship.target),
      kind: type.endsWith('/worksheet') ? 'worksheet' : type.endsWith('/chartsheet') ? 'chartsheet' : 'other',
      hidden: (attributes.get('state') ?? 'visible') !== 'visible',
    });
  }
  const workbookProperties = /<(?:[\w.-]+:)?workbookPr\b([^>]*)>/.exec(workbookXml);
  const date1904 = parseAttributes(workbookProperties?.[1] ?? '').get('date1904');
  return {
    sheets,
    date1904: date1904 === '1' || date1904 === 'true',
    prefixedElements: /<[\w.-]+:workbook\b/.test(workbookXml),
  };
}
