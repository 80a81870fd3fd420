// PERFRECON_LANDING as a folder or a bucket, and the settings an S3 landing reads.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { landingFolderPath, loadLandingSettings } from '../../src/config/landing-config.ts';

const home = '/srv/perfrecon';

describe('PERFRECON_LANDING', () => {
  it('is a folder under the home by default, or where a path puts it', () => {
    expect(loadLandingSettings({}, home)).toEqual({ kind: 'folder', path: path.join(home, 'landing') });
    expect(loadLandingSettings({ PERFRECON_LANDING: '/data/landing' }, home)).toEqual({
      kind: 'folder',
      path: '/data/landing',
    });
  });

  it('is a bucket and prefix for s3://, with path style on when an endpoint is given', () => {
    const settings = loadLandingSettings(
      {
        PERFRECON_LANDING: 's3://perf-landing/prod/eu/',
        PERFRECON_S3_ENDPOINT: 'http://127.0.0.1:9000',
        AWS_ACCESS_KEY_ID: 'key',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'eu-west-1',
      },
      home,
    );
    expect(settings).toEqual({
      kind: 's3',
      bucket: 'perf-landing',
      prefix: 'prod/eu',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret' },
      scratchPath: path.join(home, 'tmp', 'landing'),
    });
    expect(loadLandingSettings({ PERFRECON_LANDING: 's3://perf-landing' }, home)).toMatchObject({
      prefix: '',
      endpoint: undefined,
      forcePathStyle: false,
      region: 'us-east-1',
      credentials: undefined,
    });
  });

  it('refuses a bad bucket, endpoint, half a key pair or a yes/no that is neither', () => {
    expect(() => loadLandingSettings({ PERFRECON_LANDING: 's3://A_Bucket/x' }, home)).toThrow(/valid bucket/);
    expect(() =>
      loadLandingSettings({ PERFRECON_LANDING: 's3://bucket', PERFRECON_S3_ENDPOINT: 'minio:9000' }, home),
    ).toThrow(/PERFRECON_S3_ENDPOINT must be an http\(s\) URL/);
    expect(() =>
      loadLandingSettings({ PERFRECON_LANDING: 's3://bucket', AWS_ACCESS_KEY_ID: 'key' }, home),
    ).toThrow(/must be set together/);
    expect(() =>
      loadLandingSettings({ PERFRECON_LANDING: 's3://bucket', PERFRECON_S3_FORCE_PATH_STYLE: 'maybe' }, home),
    ).toThrow(/PERFRECON_S3_FORCE_PATH_STYLE=maybe/);
  });

  it('leaves backups and retention of archived files to the bucket', () => {
    const bucket = loadLandingSettings({ PERFRECON_LANDING: 's3://bucket/p' }, home);
    expect(() => landingFolderPath(bucket, '--include-landing')).toThrow(
      /--include-landing needs a landing folder/,
    );
    expect(() =>
      loadAppConfig({
        PERFRECON_HOME: home,
        PERFRECON_LANDING: 's3://bucket/p',
        PERFRECON_RETENTION_LANDING_DAYS: '90',
      }),
    ).toThrow(/PERFRECON_RETENTION_LANDING_DAYS needs a landing folder/);
  });
});
