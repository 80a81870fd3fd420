import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors.ts';
import { classifyFailure, PermanentJobError } from '../../src/pipeline/failure.ts';
import {
  destinationPath,
  isInProgressName,
  jobIdFor,
  landingFolder,
  locateLandedFile,
  moveNoClobber,
  newLandingName,
  parseLandingName,
  safeFileName,
} from '../../src/pipeline/landing.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prl-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('landing names', () => {
  it('are unique, keep the original name, and carry the time of arrival', () => {
    const at = new Date('2024-03-05T07:08:09.123Z');
    const a = newLandingName('acme 2024-03.csv', at);
    const b = newLandingName('acme 2024-03.csv', at);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^20240305T070809Z-[0-9a-f]{6}--acme 2024-03\.csv$/);
    expect(parseLandingName(a)).toEqual({
      receivedAt: new Date('2024-03-05T07:08:09Z'),
      originalName: 'acme 2024-03.csv',
    });
    expect(parseLandingName('acme.csv')).toBeUndefined();
  });

  it('derive one job id per landed file, as a UUID', () => {
    const name = newLandingName('x.csv');
    expect(jobIdFor(name)).toBe(jobIdFor(name));
    expect(jobIdFor(name)).not.toBe(jobIdFor(newLandingName('x.csv')));
    expect(jobIdFor(name)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('strip directories and control characters from what a sender calls a file', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('a\u0007b\nc.csv')).toBe('a_b_c.csv');
    expect(safeFileName('..')).toBe('unnamed');
  });

  it('tell files still being written by their temporary names', () => {
    for (const name of [
      '.acme.csv',
      'acme.csv.tmp',
      'acme.csv.part',
      'acme.csv.partial',
      'acme.csv~',
      'a.crdownload',
    ]) {
      expect(isInProgressName(name), name).toBe(true);
    }
    expect(isInProgressName('acme.csv')).toBe(false);
  });

  it('send stored files to archive/YYYY/MM/DD by the day they were received', () => {
    const landing = landingFolder(root);
    const name = newLandingName('a.csv', new Date('2023-12-31T23:59:59Z'));
    expect(destinationPath(landing, 'archive', name)).toBe(
      path.join(root, 'archive', '2023', '12', '31', name),
    );
    expect(destinationPath(landing, 'quarantine', name)).toBe(path.join(root, 'quarantine', name));
    expect(destinationPath(landing, 'error', name)).toBe(path.join(root, 'error', name));
  });
});

describe('moving a landed file', () => {
  const dir = path.join(root, 'moves');
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('never overwrites another file: the newcomer gets a numbered name', async () => {
    const target = write('taken.csv', 'first');
    const source = write('incoming.csv', 'second');
    const landed = await moveNoClobber(source, target);
    expect(landed).toBe(path.join(dir, 'taken (2).csv'));
    expect(fs.readFileSync(target, 'utf8')).toBe('first');
    expect(fs.readFileSync(landed, 'utf8')).toBe('second');
    expect(fs.existsSync(source)).toBe(false);
  });

  it('completes a move interrupted between link and unlink (a crash), without a copy', async () => {
    const source = write('half-moved.csv', 'bytes');
    const target = path.join(dir, 'sub', 'half-moved.csv');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.linkSync(source, target);
    expect(await moveNoClobber(source, target)).toBe(target);
    expect(fs.existsSync(source)).toBe(false);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['half-moved.csv']);
  });

  it('finds a landed file wherever an earlier step left it', async () => {
    const landing = landingFolder(path.join(root, 'landing'));
    const name = newLandingName('find-me.csv');
    expect(await locateLandedFile(landing, name)).toBeUndefined();
    const archived = destinationPath(landing, 'archive', name);
    fs.mkdirSync(path.dirname(archived), { recursive: true });
    fs.writeFileSync(archived, 'x');
    expect(await locateLandedFile(landing, name)).toEqual({ path: archived, place: 'archive' });
    fs.mkdirSync(landing.processing, { recursive: true });
    fs.linkSync(archived, path.join(landing.processing, name));
    expect((await locateLandedFile(landing, name))?.place).toBe('processing');
  });
});

describe('what a failure means for its job', () => {
  const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
  it.each([
    ['a dropped connection', Object.assign(new Error('Connection terminated unexpectedly'), {}), 'transient'],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'transient',
    ],
    [
      'the embedded socket gone',
      Object.assign(new Error('connect ENOENT'), { code: 'ENOENT', syscall: 'connect' }),
      'transient',
    ],
    ['an administrator terminating the backend', pgError('57P01'), 'transient'],
    ['a statement timeout', pgError('57014'), 'transient'],
    ['a lock timeout', pgError('55P03'), 'transient'],
    ['a deadlock', pgError('40P01'), 'transient'],
    [
      'a disk I/O error (not a known passing cause: an operator looks first)',
      Object.assign(new Error('EIO'), { code: 'EIO' }),
      'permanent',
    ],
    ['a unique violation', pgError('23505'), 'data'],
    ['a check violation', pgError('23514'), 'data'],
    ['a numeric overflow', pgError('22003'), 'data'],
    ['an undefined table', pgError('42P01'), 'permanent'],
    ['a configuration error', new ConfigError('bad vendor file'), 'permanent'],
    ['an operator problem', new PermanentJobError('landed file missing'), 'permanent'],
    [
      'something nobody recognises (permanent, with its message: issue 10 #19)',
      new TypeError('x is undefined'),
      'permanent',
    ],
  ])('%s is %s', (_what, error, kind) => {
    expect(classifyFailure(error).kind).toBe(kind);
  });
});
