// What `vendors draft` knows of a sample file before guessing: the reader's raw view of it
// (read/draft-sample.ts), and the columns the draft found in it.

export type SampleCell = string | number | boolean | null;

export interface SampleSheet {
  name: string;
  /** Rows from the top, cells from column A; `number` is the 1-based row number. */
  rows: { number: number; cells: SampleCell[] }[];
}

/** The file as read, with how its encoding and delimiter were found. */
export type RawSample =
  | {
      format: 'csv';
      encoding: string;
      encodingEvidence: string;
      delimiter: string;
      delimiterEvidence: string;
      sheet: SampleSheet;
    }
  | { format: 'xlsx'; sheets: SampleSheet[]; date1904: boolean }
  | { format: 'json'; encoding: string; encodingEvidence: string; document: unknown };

/** One column of a table (its header) or one value path of a JSON record. */
export interface SampleColumn {
  name: string;
  values: SampleCell[];
}
