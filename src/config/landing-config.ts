// Where the landing lies (PERFRECON_LANDING): a folder, or a bucket of any S3-compatible store.
import path from 'node:path';
import { ConfigError } from '../domain/errors.ts';

export interface S3LandingSettings {
  kind: 's3';
  bucket: string;
  /** Key prefix without a trailing slash; '' for the bucket's root. */
  prefix: string;
  /** PERFRECON_S3_ENDPOINT for an S3-compatible server; undefined means AWS. */
  endpoint: string | undefined;
  /** Bucket in the path (http://host/bucket/key), as most S3-compatible servers want. */
  forcePathStyle: boolean;
  region: string;
  /** Static keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; undefined leaves the SDK's chain (profiles, roles). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  /** A local folder for the copies the readers work on, and for uploads on their way in. */
  scratchPath: string;
}

export type LandingSettings = { kind: 'folder'; path: string } | S3LandingSettings;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function booleanSetting(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name}=${raw} is not a yes/no value`, `Set ${name} to true or false.`);
}

export function loadLandingSettings(env: NodeJS.ProcessEnv, home: string): LandingSettings {
  const raw = env.PERFRECON_LANDING || 'landing';
  if (!raw.startsWith('s3://')) return { kind: 'folder', path: path.resolve(home, raw) };
  const [bucket = '', ...rest] = raw.slice('s3://'.length).split('/');
  if (!BUCKET.test(bucket)) {
    throw new ConfigError(
      `PERFRECON_LANDING=${raw} does not name a valid bucket`,
      'Write it as s3://bucket/prefix, e.g. s3://perf-landing/prod.',
    );
  }
  const endpoint = env.PERFRECON_S3_ENDPOINT || undefined;
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
    throw new ConfigError(
      `PERFRECON_S3_ENDPOINT must be an http(s) URL, got "${endpoint}"`,
      'e.g. https://minio.internal:9000; leave it unset for AWS.',
    );
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together',
      'Set both, or neither to use the AWS profile or the machine role.',
    );
  }
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  return {
    kind: 's3',
    bucket,
    prefix: rest.filter((part) => part !== '').join('/'),
    endpoint,
    // S3-compatible servers are mostly reached by address, where the bucket cannot be a host name.
    forcePathStyle: booleanSetting(
      'PERFRECON_S3_FORCE_PATH_STYLE',
      env.PERFRECON_S3_FORCE_PATH_STYLE,
      endpoint !== undefined,
    ),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials:
      accessKeyId === undefined || secretAccessKey === undefined
        ? undefined
        : { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
    scratchPath: path.join(home, 'tmp', 'landing'),
  };
}

/** The landing folder; undefined for a bucket. */
export function localLandingPath(landing: LandingSettings): string | undefined {
  return landing.kind === 'folder' ? landing.path : undefined;
}

/**
 * The landing folder, for what only works on one (backups of archived files, their retention):
 * on object storage the bucket's own versioning, replication and lifecycle rules do that.
 */
export function landingFolderPath(landing: LandingSettings, what: string): string {
  if (landing.kind === 'folder') return landing.path;
  throw new ConfigError(
    `${what} needs a landing folder, and PERFRECON_LANDING is s3://${landing.bucket}/${landing.prefix}`,
    'On object storage use the bucket: versioning or replication for backups, a lifecycle rule on archive/ for retention.',
  );
}
