// The states of a file taken in. A file in a terminal state is done with: its data is stored
// (in full or with rows quarantined) or it was refused for good; the same bytes are never
// processed again. FAILED is not terminal: a replay of its dead letter takes it up again.
export type FileStatus = 'RECEIVED' | 'PROCESSING' | 'SUCCEEDED' | 'QUARANTINED' | 'REJECTED' | 'FAILED';

export const FILE_STATUSES: readonly FileStatus[] = [
  'RECEIVED',
  'PROCESSING',
  'SUCCEEDED',
  'QUARANTINED',
  'REJECTED',
  'FAILED',
];

const TERMINAL: ReadonlySet<FileStatus> = new Set(['SUCCEEDED', 'QUARANTINED', 'REJECTED']);

export function isTerminal(status: FileStatus): boolean {
  return TERMINAL.has(status);
}
