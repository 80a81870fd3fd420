// Schema drift: what changed in a known vendor's header against the last good file, said
// exactly ("Beg MV" renamed to "Opening Value", "Fees" missing, "Custody Fees" new, columns
// reordered). Pure; the caller keeps the last good header per vendor.
import { normalizeHeader } from '../domain/read-row.ts';

export interface SchemaDrift {
  renamed: { from: string; to: string }[];
  missing: string[];
  added: string[];
  /** The columns both headers share stand in a different order. */
  reordered: boolean;
  /** One sentence a person can act on (`Column "Beg MV" was renamed to "Opening Value".`), or "no change". */
  message: string;
}

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  const t = s.replace(/[^a-z0-9]/g, '');
  for (let i = 0; i < t.length - 1; i++) out.add(t.slice(i, i + 2));
  return out;
}

/** Dice similarity of two headers' letter pairs, 0..1. */
function similarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return (2 * common) / (x.size + y.size);
}

const quote = (s: string) => `"${s}"`;

export function describeSchemaDrift(previousHeader: string[], currentHeader: string[]): SchemaDrift {
  const prev = previousHeader.map((h) => h.trim()).filter((h) => h !== '');
  const curr = currentHeader.map((h) => h.trim()).filter((h) => h !== '');
  const currNorm = new Set(curr.map(normalizeHeader));
  const prevNorm = new Set(prev.map(normalizeHeader));
  let missing = prev.filter((h) => !currNorm.has(normalizeHeader(h)));
  let added = curr.filter((h) => !prevNorm.has(normalizeHeader(h)));

  // A missing and an added column are a rename when they stand at the same position, or when
  // their names are alike.
  const renamed: { from: string; to: string }[] = [];
  for (const from of [...missing]) {
    const samePlace = curr[prev.indexOf(from)];
    let to = samePlace !== undefined && added.includes(samePlace) ? samePlace : undefined;
    if (to === undefined) {
      const best = added
        .map((a) => ({ a, score: similarity(normalizeHeader(from), normalizeHeader(a)) }))
        .sort((p, q) => q.score - p.score)[0];
      if (best && best.score >= 0.5) to = best.a;
    }
    if (to !== undefined) {
      renamed.push({ from, to });
      missing = missing.filter((m) => m !== from);
      added = added.filter((a) => a !== to);
    }
  }

  // Order of the columns both share (a rename counts as the same column).
  const renameOf = new Map(renamed.map((r) => [normalizeHeader(r.from), normalizeHeader(r.to)]));
  const prevShared = prev
    .map((h) => renameOf.get(normalizeHeader(h)) ?? normalizeHeader(h))
    .filter((h) => currNorm.has(h));
  const currShared = curr.map(normalizeHeader).filter((h) => prevShared.includes(h));
  const reordered = prevShared.some((h, i) => currShared[i] !== h);

  const parts: string[] = [];
  for (const r of renamed) parts.push(`column ${quote(r.from)} was renamed to ${quote(r.to)}`);
  if (missing.length > 0)
    parts.push(`${missing.map(quote).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  if (added.length > 0) parts.push(`${added.map(quote).join(', ')} ${added.length === 1 ? 'is' : 'are'} new`);
  if (reordered) parts.push('the columns were reordered');
  const sentence = parts.join('; ');
  const message =
    parts.length === 0 ? 'no change' : `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
  return { renamed, missing, added, reordered, message };
}
