// `vendors draft`: a sample file -> a proposed vendor configuration, and what the configuration
// check says of it before its TODOs are settled (the fields it could not place).
import { access } from 'node:fs/promises';
import path from 'node:path';
import { parseVendorYaml, VendorConfigError } from '../config/vendor-config-parse.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { draftVendorConfig, type VendorDraft } from '../map/draft/index.ts';
import { readDraftSample } from '../read/draft-sample.ts';

export interface DraftedVendor extends VendorDraft {
  code: string;
  /** The configuration check's findings on the draft as written (empty: it loads as it is). */
  unsettled: string[];
}

const CODE = /^[a-z0-9][a-z0-9_-]*$/;

/** `Vendor_B Perf 2024-02.xlsx` -> `vendor_b-perf`: the file's name without dates and counters. */
function codeOf(fileName: string): string {
  const stem = path.basename(fileName, path.extname(fileName)).toLowerCase();
  const code = stem
    .replace(/\d[\d_.-]*\d|\d/g, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .replace(/-{2,}/g, '-');
  return CODE.test(code) ? code : 'drafted';
}

export async function draftVendor(
  filePath: string,
  options: { code?: string | undefined; fileName?: string | undefined } = {},
): Promise<DraftedVendor> {
  const fileName = options.fileName ?? path.basename(filePath);
  const code = options.code ?? codeOf(fileName);
  if (!CODE.test(code)) {
    throw new InvalidInputError(
      `"${code}" is not a vendor code`,
      'A vendor code is lower case letters, digits, "-" and "_", starting with a letter or digit: --vendor acme-daily.',
    );
  }
  try {
    await access(filePath);
  } catch {
    throw new InvalidInputError(
      `there is no file ${filePath}`,
      'Give the path of a sample file the vendor sent.',
    );
  }
  const draft = draftVendorConfig(await readDraftSample(filePath, fileName), { code, fileName });
  let unsettled: string[] = [];
  try {
    parseVendorYaml(draft.yaml, `${code}.yaml`, false);
  } catch (error) {
    if (!(error instanceof VendorConfigError)) throw error;
    unsettled = error.issues.map((i) => `line ${i.line}: ${i.key ? `${i.key}: ` : ''}${i.message}`);
  }
  return { ...draft, code, unsettled };
}
