// An S3-protocol server for the S3 landing tests: s3rver (objects on local disk) started here on
// a free port, or any S3 endpoint given as PERFRECON_TEST_S3_URL=http(s)://KEY:SECRET@host:port/bucket.
// Every test file works under its own random prefix, so a shared bucket is never disturbed.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface TestS3 {
  /** The settings a perfrecon process needs for a landing under this test's prefix. */
  env: NodeJS.ProcessEnv;
  bucket: string;
  prefix: string;
  /** The bucket as an operator (or an intruder) reaches it, beside perfrecon. */
  client: S3Client;
  put(key: string, body: string | Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  /** Every key under the prefix, relative to it, sorted. */
  keys(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startTestS3(): Promise<TestS3> {
  const given = process.env.PERFRECON_TEST_S3_URL;
  let endpoint: string;
  let bucket: string;
  let credentials: { accessKeyId: string; secretAccessKey: string };
  let stopServer = async () => {};
  if (given) {
    const url = new URL(given);
    bucket = url.pathname.replace(/^\/|\/$/g, '');
    credentials = {
      accessKeyId: decodeURIComponent(url.username),
      secretAccessKey: decodeURIComponent(url.password),
    };
    endpoint = `${url.protocol}//${url.host}`;
  } else {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'prs3-'));
    bucket = 'perfrecon-test';
    credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket, configs: [] }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    stopServer = async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    };
  }
  const prefix = `t-${randomBytes(4).toString('hex')}`;
  const region = 'us-east-1';
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keys = async () => {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) found.push((item.Key ?? '').slice(prefix.length + 1));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return found.sort();
  };
  return {
    env: {
      PERFRECON_LANDING: `s3://${bucket}/${prefix}`,
      PERFRECON_S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
    },
    bucket,
    prefix,
    client,
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}`, Body: body }));
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}` }));
        return Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array()));
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
          return undefined;
        throw error;
      }
    },
    keys,
    async stop() {
      for (const key of await keys()) {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}/${key}` }));
      }
      client.destroy();
      await stopServer();
    },
  };
}
