// The few object operations the S3 landing needs, on any S3-compatible store. Every write is
// conditional (If-None-Match: *) where the server honours it; the caller checks first as well,
// for servers that ignore the header (see landing-s3-store.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3LandingSettings } from '../config/landing-config.ts';
import { ConfigError } from '../domain/errors.ts';

export interface ObjectInfo {
  key: string;
  size: number;
  modifiedMs: number;
  etag: string;
}

/** What a conditional write found: written, or something already under the key. */
export type WriteResult = 'written' | 'exists';

export interface Bucket {
  readonly name: string;
  check(): Promise<void>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** The objects directly under a prefix ending in '/' (not those in deeper "folders"). */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** SHA-256 and size of an object's bytes, also written to `localPath` when given (a download). */
  hash(key: string, localPath?: string): Promise<{ sha256: string; sizeBytes: number }>;
  putFile(localPath: string, key: string, sha256: string, sizeBytes: number): Promise<WriteResult>;
  copy(sourceKey: string, targetKey: string): Promise<WriteResult>;
  delete(key: string): Promise<void>;
}

/** The HTTP status of a failed S3 call (404: no such key or bucket). */
export function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export function openBucket(settings: S3LandingSettings): Bucket {
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    // The SDK's default CRC trailers are not understood by every S3-compatible server; the
    // landing checks SHA-256 itself, and sends it where the server can check it too.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = settings.bucket;
  // Servers that reject the header outright (501) are written to without it from then on.
  let conditional = true;

  async function write(send: (ifNoneMatch: string | undefined) => Promise<unknown>): Promise<WriteResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        await send(conditional ? '*' : undefined);
        return 'written';
      } catch (error) {
        const code = status(error);
        if (code === 412) return 'exists';
        // A concurrent write to the same key: try again, and the loser sees 412.
        if (code === 409 && attempt < 5) continue;
        if (code === 501 && conditional) {
          conditional = false;
          continue;
        }
        throw error;
      }
    }
  }

  return {
    name: Bucket,
    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (error) {
        throw new ConfigError(
          `the landing bucket ${Bucket} cannot be reached at ${settings.endpoint ?? 'AWS'}: ${(error as Error).message || status(error)}`,
          'Check PERFRECON_LANDING, PERFRECON_S3_ENDPOINT, the region and the credentials (AWS_*), and that the bucket exists.',
        );
      }
    },
    async head(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return {
          key,
          size: head.ContentLength ?? 0,
          modifiedMs: head.LastModified?.getTime() ?? 0,
          etag: head.ETag ?? '',
        };
      } catch (error) {
        if (status(error) === 404) return undefined;
        throw error;
      }
    },
    async list(prefix) {
      const objects: ObjectInfo[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined || item.Key === prefix) continue;
          objects.push({
            key: item.Key,
            size: item.Size ?? 0,
            modifiedMs: item.LastModified?.getTime() ?? 0,
            etag: item.ETag ?? '',
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return objects;
    },
    async hash(key, localPath) {
      const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      const hash = createHash('sha256');
      let sizeBytes = 0;
      const hasher = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          sizeBytes += chunk.length;
          done(null, chunk);
        },
      });
      const sink =
        localPath === undefined
          ? new Writable({ write: (_chunk, _encoding, done) => done() })
          : fs.createWriteStream(localPath, { flags: 'wx' });
      await pipeline(object.Body as Readable, hasher, sink);
      return { sha256: hash.digest('hex'), sizeBytes };
    },
    putFile(localPath, key, sha256, sizeBytes) {
      return write((ifNoneMatch) =>
        client.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: fs.createReadStream(localPath),
            ContentLength: sizeBytes,
            // Servers that check it (AWS, MinIO…) refuse bytes damaged on the way.
            ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
            IfNoneMatch: ifNoneMatch,
          }),
        ),
      );
    },
    copy(sourceKey, targetKey) {
      const source = `${Bucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`;
      return write((ifNoneMatch) =>
        client.send(
          new CopyObjectCommand({ Bucket, Key: targetKey, CopySource: source, IfNoneMatch: ifNoneMatch }),
        ),
      );
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
  };
}
