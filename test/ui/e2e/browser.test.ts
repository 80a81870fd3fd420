// The web UI in Debian's Chromium against a real `perfrecon serve` with the samples loaded: an
// operator uploads a file and watches it succeed, reads a break's explanation and lineage,
// resolves it, and a second operator approves it; a dead letter is replayed; a viewer sees no
// operator action and a forged request is refused; axe-core finds no serious violation.
import path from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BreakView } from '../../../src/contracts/breaks.ts';
import type { DeadLetterItem } from '../../../src/contracts/dead-letters.ts';
import { launchChromium, SCREENSHOTS, screenshots, seriousViolations, signIn, signOut } from './browser.ts';
import { DLQ_ACCOUNT, startTestServer, type TestServer } from './server.ts';

let server: TestServer;
let browser: Browser;
let page: Page;

async function apiGet<T>(route: string): Promise<T> {
  const response = await fetch(`${server.url}${route}`, {
    headers: { authorization: `Bearer ${server.tokens.operator}` },
  });
  return (await response.json()) as T;
}

/** Until the break table shows the answer for this account and vendor (on either side), and nothing else. */
async function filteredBy(account: string, vendor: string): Promise<void> {
  await page.waitForFunction(
    ([account, vendor]) => {
      const table = document.querySelector('table[aria-busy="false"]:not(.stale)');
      const rows = [...(table?.querySelectorAll('tbody tr') ?? [])];
      const cell = (row: Element, label: string) =>
        row.querySelector(`td[data-label="${label}"]`)?.textContent ?? '';
      return (
        rows.length > 0 &&
        rows.every(
          (row) => cell(row, 'Account') === account && cell(row, 'Vendor').split(' / ').includes(vendor),
        )
      );
    },
    [account, vendor],
  );
}

const heading = (name: string | RegExp) => page.getByRole('heading', { name, level: 1 });

// Both legs: the embedded database, and a PostgreSQL server with Redis.
describe('web UI in Chromium', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Generous waits: the steps wait for what the page shows, never for a time, and a busy shared
    // machine can take long to render a page.
    page.setDefaultTimeout(90_000);
  }, 600_000);

  // A failing step leaves a picture of what the browser showed.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      await page.screenshot({
        path: path.join(SCREENSHOTS, `failed-${context.task.name.slice(0, 40)}.png`),
        fullPage: true,
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the UI brotli-compressed when accepted: the page re-checked, the hashed assets immutable', async () => {
    const get = (route: string) => fetch(`${server.url}${route}`, { headers: { 'accept-encoding': 'br' } });
    const index = await get('/breaks');
    expect(index.headers.get('content-encoding')).toBe('br');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
    expect(script).toBeDefined();
    const asset = await get(String(script));
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('refuses an unknown token with the reason, then signs in and shows the dashboard', async () => {
    await page.goto(`${server.url}/breaks`);
    await page.getByLabel('API token').fill('prt_unknown');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('the token is not valid (unknown or revoked)').waitFor();

    await page.getByLabel('API token').fill(server.tokens.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the person was going.
    await heading('Breaks').waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await heading('What broke overnight').waitFor();
    await page.getByText(/^Last refreshed /).waitFor();
    await page.getByText(/^Today: \d+\.\d\d%$/).waitFor();
    // The samples loaded before the upload may hold no break at all (method differences between
    // vendors are information, not breaks): the table or its empty state, whichever is true.
    const activeBreaks = page.getByRole('region', { name: 'Active breaks by vendor and age' });
    await activeBreaks
      .getByRole('table', { name: /active breaks$/ })
      .or(activeBreaks.getByText('No active break. Nothing to chase.'))
      .waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('uploads a vendor file by the file picker and follows it until it succeeded', async () => {
    await page.getByRole('link', { name: 'Files' }).click();
    await heading('Files').waitFor();
    await page.getByLabel(/Drop a performance file here/).setInputFiles(server.uploadable);
    await page.getByText(new RegExp(`Uploading ${path.basename(server.uploadable)}`)).waitFor();
    const done = page.getByRole('link', { name: /^File #\d+$/ });
    await done.waitFor({ timeout: 120_000 });
    expect(await page.locator('.upload .badge').textContent()).toBe('SUCCEEDED');
    await done.click();
    await heading(new RegExp(path.basename(server.uploadable))).waitFor();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    // The file is SUCCEEDED when its rows are stored (the move to archive/ follows), and the
    // heading comes before the timeline's entries: wait for the entry, do not count at once.
    await page
      .getByText(/ → SUCCEEDED/)
      .first()
      .waitFor();
  });

  it('opens a break, reads its explanation, follows its lineage, and resolves it', async () => {
    const breaks = await apiGet<BreakView[]>('/api/v1/breaks?limit=1000');
    const target = breaks.find(
      (item) => item.check === 'RETURN' && item.cause !== null && item.status === 'OPEN',
    );
    expect(target, 'a RETURN break with a cause among the samples').toBeDefined();
    if (target === undefined) return;

    await page.getByRole('link', { name: 'Breaks' }).click();
    await page.getByRole('searchbox', { name: 'Account' }).fill(target.accountId);
    await page.getByRole('combobox', { name: 'Vendor' }).selectOption(target.vendorCode);
    await page.getByRole('button', { name: 'Apply' }).click();
    // The click waits for the filtered answer: until then the table shows the previous rows
    // (inert), and a click on a row that is about to move could open another break.
    await filteredBy(target.accountId, target.vendorCode);
    await page.getByRole('link', { name: `#${target.id}`, exact: true }).click();

    await heading(`Break #${target.id} OPEN`).waitFor();
    const explanation = page.locator('section', { has: page.getByRole('heading', { name: 'Explanation' }) });
    await explanation.getByText(String(target.explanation?.summary)).waitFor();
    expect(await explanation.getByRole('table', { name: 'Causes tried' }).isVisible()).toBe(true);

    const lineage = page.locator('section', { has: page.getByRole('heading', { name: 'Lineage' }) });
    const source = lineage.getByRole('link', { name: /^file #\d+ / });
    await source.waitFor();
    expect(await lineage.textContent()).toMatch(/row \d+/);
    expect(await lineage.getByRole('table').textContent()).toContain('vendor_return');
    await source.click();
    await heading(/^File #\d+ /).waitFor();
    await page.goBack();

    await heading(`Break #${target.id} OPEN`).waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await heading(`Break #${target.id} ACKNOWLEDGED`).waitFor();
    await page
      .getByLabel('Resolution comment')
      .fill('vendor counts flows at start of day; confirmed with vendor');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await heading(`Break #${target.id} PENDING APPROVAL`).waitFor();

    // Four eyes: the resolver's own approval is refused by the API, and the UI says why.
    await page.getByRole('button', { name: 'Approve resolution' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/approv/i);

    await signOut(page);
    await signIn(page, server.url, server.tokens.approver);
    await page.goto(`${server.url}/breaks/${target.id}`);
    await page.getByRole('button', { name: 'Approve resolution' }).click();
    await heading(`Break #${target.id} RESOLVED`).waitFor();
    const history = await page.locator('.history').textContent();
    expect(history).toContain('api:e2e-operator');
    expect(history).toContain('api:e2e-approver');

    // The resolution proves wrong: reopened with the reason, and the history says so.
    await page.getByLabel('Why reopen it').fill('the vendor did not restate after all');
    await page.getByRole('button', { name: 'Reopen' }).click();
    await heading(`Break #${target.id} OPEN`).waitFor();
    await page.locator('.history').getByText('the vendor did not restate after all').waitFor();
  });

  it('acknowledges a firing alarm', async () => {
    const { rows } = await sql<{ id: number }>`
      INSERT INTO alarms (rule, metric, condition, threshold, severity, state, value, message, fired_at, updated_at)
      VALUES ('e2e-error-rate', 'error_rate', '>', 0.25, 'warning', 'FIRING', 0.5,
              'error rate 50% over the last 60 minutes', now(), now())
      RETURNING id`.execute(server.app.database.db);
    const id = rows[0]?.id;
    await page.getByRole('link', { name: 'Alarms', exact: true }).click();
    await heading('Alarms').waitFor();
    await page.getByRole('button', { name: `Acknowledge #${id}` }).click();
    await page
      .getByRole('status')
      .getByText(`Alarm #${id} (e2e-error-rate) acknowledged`, { exact: false })
      .waitFor();
    // The list is read again: the alarm is no longer firing, so nothing is left to acknowledge.
    await page.getByRole('button', { name: `Acknowledge #${id}` }).waitFor({ state: 'detached' });
    // The server's own evaluator may have raised others (the dead letter waiting): this one is acknowledged.
    const alarms = await apiGet<{ id: number; state: string; acknowledgedBy: string }[]>('/api/v1/alarms');
    expect(alarms.find((alarm) => alarm.id === id)).toMatchObject({
      state: 'ACKNOWLEDGED',
      acknowledgedBy: 'api:e2e-approver',
    });
  });

  it('replays a dead letter once its cause is fixed', async () => {
    const [letter] = await apiGet<DeadLetterItem[]>('/api/v1/dead-letters');
    expect(letter?.fileName).toBe('canonical-e2e-dlq.csv');
    await sql`DELETE FROM test_fault_accounts WHERE account_id = ${DLQ_ACCOUNT}`.execute(
      server.app.database.db,
    );
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('button', { name: `Replay #${letter?.id}` }).click();
    await page
      .getByRole('status')
      .getByText(new RegExp(`Dead letter #${letter?.id} \\(canonical-e2e-dlq\\.csv\\): replayed`))
      .waitFor();
    await page.getByText('The dead-letter queue is empty', { exact: false }).waitFor();
  });

  it('shows a viewer no operator action, and the API refuses a forged one', async () => {
    await signOut(page);
    await signIn(page, server.url, server.tokens.viewer);
    const [open] = await apiGet<BreakView[]>('/api/v1/breaks?status=OPEN&limit=1');
    expect(open).toBeDefined();
    await page.goto(`${server.url}/breaks/${open?.id}`);
    await page.getByRole('heading', { name: 'Explanation' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    await page.goto(`${server.url}/files`);
    await heading('Files').waitFor();
    expect(await page.getByRole('heading', { name: 'Upload a file' }).count()).toBe(0);
    await page.goto(`${server.url}/operations`);
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    expect(await page.getByRole('button', { name: /^Replay/ }).count()).toBe(0);

    const forged = await page.evaluate(async (id) => {
      const session = JSON.parse(sessionStorage.getItem('perfrecon.session') ?? '{}') as { token: string };
      const response = await fetch(`/api/v1/breaks/${id}/acknowledge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status;
    }, open?.id);
    expect(forged).toBe(403);
  });

  it('passes axe-core on every main page and saves their screenshots', async () => {
    const [someBreak] = await apiGet<BreakView[]>('/api/v1/breaks?limit=1');
    const pages: [string, string, string | RegExp][] = [
      ['dashboard', '/', 'What broke overnight'],
      ['breaks', '/breaks', 'Breaks'],
      ['break', `/breaks/${someBreak?.id}`, /^Break #/],
      ['accounts', '/accounts', 'Accounts'],
      ['account', `/accounts/${someBreak?.accountId}`, /^Account /],
      ['files', '/files', 'Files'],
      ['file', '/files/1', /^File #1 /],
      ['operations', '/operations', 'Operations'],
      ['alarms', '/alarms', 'Alarms'],
      ['usage', '/usage', 'Usage and metrics'],
    ];
    const found: Record<string, string[]> = {};
    for (const [name, route, title] of pages) {
      await page.goto(`${server.url}${route}`);
      await heading(title).waitFor();
      await page.waitForLoadState('networkidle');
      found[name] = await seriousViolations(page);
      await screenshots(page, name);
    }
    await signOut(page);
    found['sign-in'] = await seriousViolations(page);
    await screenshots(page, 'sign-in');
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((name) => [name, []])));
  });
});
