import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileFingerprint {
  sha256: string;
  sizeBytes: number;
}

/** A file is identified by the SHA-256 of its bytes: the same bytes twice are one file. */
export async function fingerprintFile(filePath: string): Promise<FileFingerprint> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  const { size } = await stat(filePath);
  return { sha256: hash.digest('hex'), sizeBytes: size };
}
