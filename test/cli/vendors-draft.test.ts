// `perfrecon vendors draft` end to end in a child process: the draft to a file, its TODO lines
// reported, check-config naming the field left to fill, and a refusal to overwrite a draft.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('bin/perfrecon.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfrecon-draft-cli-'));

async function perfrecon(args: string[]) {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], {
      env: { ...process.env, PERFRECON_HOME: dir, PERFRECON_CONFIG: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('perfrecon vendors draft', () => {
  it('writes the draft, says what to settle, and check-config names the missing field by line', async () => {
    const sample = path.join(dir, 'acme_2024-03.csv');
    fs.writeFileSync(
      sample,
      'Portfolio;Date from;Date to;Opening;Closing\nP1;31.01.2024;29.02.2024;1.000,00;1.015,50\n',
    );
    const out = path.join(dir, 'acme.yaml');
    const drafted = await perfrecon(['vendors', 'draft', sample, '--out', out]);
    expect(drafted.code).toBe(0);
    expect(drafted.stdout).toBe('');
    expect(drafted.stderr).toContain(
      `drafted vendor "acme" from ${sample}: 3 TODO lines to settle in ${out}`,
    );
    expect(drafted.stderr).toMatch(
      /check-config would say, until they are settled:\n {2}line \d+: fields: required field "currency" is not mapped/,
    );
    const yaml = fs.readFileSync(out, 'utf8');
    expect(yaml).toContain('# delimiter: ";": 2 of 2 rows have 5 fields');
    expect(yaml).toContain('# dates: Date from: 1 of 1 values look like DD.MM.YYYY');
    expect(yaml).toContain('  begin_market_value: Opening\n');

    const checked = await perfrecon(['vendors', 'check-config', '--config', out]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toMatch(/acme\.yaml:\d+:\d+: fields: required field "currency" is not mapped/);

    fs.writeFileSync(out, yaml.replace(/^ {2}# TODO fields\.currency: .*$/m, '  currency: { value: EUR }'));
    const settled = await perfrecon(['vendors', 'check-config', '--config', out]);
    expect(settled.code).toBe(0);
    expect(settled.stdout).toMatch(/^configuration is valid: \d+ vendors \(acme [0-9a-f]{16}/);

    const again = await perfrecon(['vendors', 'draft', sample, '--out', out]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`${out} exists already`);
  });

  it('prints the draft to standard output and refuses a bad vendor code with the rule', async () => {
    const sample = path.resolve('test/fixtures/json/ok/time-series.json');
    const printed = await perfrecon(['vendors', 'draft', sample, '--vendor', 'robo']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('code: robo\n');
    expect(printed.stdout).toContain(
      'periods: { from: consecutive_points, spacing: business_days, on_gap: skip }',
    );
    const bad = await perfrecon(['vendors', 'draft', sample, '--vendor', 'Robo Advisor']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Robo Advisor" is not a vendor code');
  });
});
