// `perfrecon samples` as a user runs it: the data files on stdout (one per line, ready for
// `perfrecon ingest`), the manifest beside them, and a bad option named with what to do.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '../../bin/perfrecon.js');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prs-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const perfrecon = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PERFRECON_HOME: out },
  });

describe('perfrecon samples', () => {
  it('prints the data files, writes the manifest and says what it injected', () => {
    const result = perfrecon(
      'samples',
      '--out',
      out,
      '--accounts',
      '4',
      '--days',
      '70',
      '--problems',
      '0.1',
      '--seed',
      '3',
    );
    expect(result.status).toBe(0);
    const files = result.stdout.trim().split('\n');
    expect(files.map((f) => path.basename(f))).toEqual([
      'canonical-daily.csv',
      'canonical-daily.json',
      'custa_perf_20240310.csv',
      'vendorb_perf_2024-02.xlsx',
      'vendorc_performance_2024-02-29.json',
    ]);
    for (const file of files) expect(fs.existsSync(file)).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'samples-manifest.json'), 'utf8'));
    expect(manifest.options).toEqual({ accounts: 4, days: 70, start: '2023-12-31', seed: 3, problems: 0.1 });
    expect(manifest.problems.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/^manifest: .*samples-manifest\.json \(problems injected: \d+ /);
  });

  it('refuses a problem rate outside 0..1 and says what to write', () => {
    const result = perfrecon('samples', '--out', out, '--problems', '5');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('error: --problems must be a share between 0 and 1, got "5"');
    expect(result.stderr).toContain('what to do: For example --problems 0.01');
  });
});
