// An upload streamed to disk, then handed to the same intake as the landing folder's inbox.
// The size limit is enforced while streaming (413 as soon as it is passed; the partial file is
// removed), so memory stays bounded whatever the file's size.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
// The type import brings the plugin's request.file() and request.isMultipart() into scope.
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { UploadAccepted } from '../contracts/api.ts';
import { intakeFile } from '../pipeline/intake.ts';
import { HttpError } from './errors.ts';
import type { ApiContext } from './types.ts';

const MAX_NAME = 200;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * A name safe on any file system and in the landing folder: no path components, control
 * characters, characters Windows refuses, leading dots (hidden, or "..") or reserved device
 * names; at most 200 characters, keeping the extension (it tells the format).
 */
export function sanitizeUploadName(name: string): string {
  const base = name.split(/[/\\]/).at(-1) ?? '';
  let cleaned = [...base]
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if (RESERVED.test(cleaned.split('.')[0] ?? '')) cleaned = `_${cleaned}`;
  if (cleaned.length > MAX_NAME) {
    const extension = path.extname(cleaned).slice(0, 16);
    cleaned = cleaned.slice(0, MAX_NAME - extension.length) + extension;
  }
  return cleaned === '' ? 'upload' : cleaned;
}

export async function receiveUpload(
  context: ApiContext,
  request: FastifyRequest,
  vendorCode: string | undefined,
): Promise<UploadAccepted> {
  if (!request.isMultipart()) {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `upload the file as multipart/form-data, not ${request.headers['content-type'] ?? 'no content type'}`,
      'e.g. curl -F file=@performance.csv -H "Authorization: Bearer $TOKEN" …/api/v1/files',
    );
  }
  const maxBytes = context.app.config.maxFileBytes;
  // preservePath: the name as sent, path and all, is kept as the original; we sanitise it.
  const part = await request.file({ limits: { fileSize: maxBytes, files: 1 }, preservePath: true });
  if (part === undefined) {
    throw new HttpError(
      400,
      'NO_FILE',
      'the request has no file part',
      'Send the file in a part named "file".',
    );
  }
  const tooLarge = () =>
    new HttpError(
      413,
      'FILE_TOO_LARGE',
      `the file is larger than the limit of ${maxBytes / 1024 / 1024} MB`,
      'Split it, or ask an administrator to raise PERFRECON_MAX_FILE_MB.',
    );
  // The limit is reached mid-stream: fail the copy there, not after reading the rest.
  part.file.once('limit', () => part.file.destroy(tooLarge()));
  const uploads = context.landing.uploads;
  await fs.promises.mkdir(uploads, { recursive: true });
  // Outside inbox/ and processing/: the watcher and the recovery of interrupted intakes must
  // not take a file still being written.
  const temporary = path.join(uploads, `${randomUUID()}.part`);
  const storedName = sanitizeUploadName(part.filename);
  try {
    await pipeline(part.file, fs.createWriteStream(temporary, { flags: 'wx' }));
    // A body already parsed when the copy began (a small, fast request) passed the limit unseen.
    if (part.file.truncated) throw tooLarge();
    const receipt = await intakeFile(
      { landing: context.landing, boss: context.boss, logger: context.app.logger },
      { sourcePath: temporary, mode: 'move', originalName: storedName, vendorCode, source: 'api' },
    );
    request.log.info(
      { job: receipt.jobId, originalName: part.filename, storedName, caller: request.caller?.actor },
      'file uploaded',
    );
    return {
      jobId: receipt.jobId,
      sha256: receipt.sha256,
      sizeBytes: receipt.sizeBytes,
      originalName: part.filename,
      storedName,
      statusUrl: `/api/v1/uploads/${receipt.jobId}`,
    };
  } finally {
    await fs.promises.rm(temporary, { force: true });
  }
}
