import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningParley, startParley, tempDir } from '../support/parley-process.ts';
import { ensureConsoleBuilt, launchChromium, screenshot, signIn } from './support/browser.ts';
import { delegatedMcpClient, devCredentials } from './support/delegated-call.ts';

/**
 * A room booking, which the demo policies hold for a person's approval;
 * resolves with what the caller finally sees (never rejects).
 */
function bookRoom(client: Client, date: string): Promise<{ ok: boolean; text: string }> {
  return client
    .callTool(
      { name: 'rooms.book_room', arguments: { room: 'borealis', date, title: 'Platform offsite' } },
      { timeout: 150_000 },
    )
    .then(
      (result) => ({ ok: !result.isError, text: JSON.stringify(result.content) }),
      (error: unknown) => ({ ok: false, text: String(error) }),
    );
}

const CHAIN = [/^User\s*alice$/, /^Agent\s*facilities$/, /^Tool\s*rooms\.book_room$/].map((re) =>
  expect.stringMatching(re),
);

/** Presses Tab until the focused element is the button called `name`; fails if it is never reached. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let presses = 0; presses < 80; presses++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? `${el.tagName}:${(el.textContent ?? '').trim()}` : '';
    });
    if (focused === `BUTTON:${name}`) return;
  }
  throw new Error(`the ${name} button cannot be reached with Tab`);
}

/** The id of the pending approval the admin API lists for `date`. */
async function pendingApprovalFor(parley: RunningParley, dataDir: string, date: string): Promise<string> {
  const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
  for (;;) {
    const response = await fetch(`${parley.url}/api/approvals?state=pending`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const { approvals } = (await response.json()) as { approvals: Array<{ id: string; arguments: { date?: string } }> };
    const found = approvals.find((a) => a.arguments.date === date);
    if (found) return found.id;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the console in a real browser, against parley dev', () => {
  let dataDir: string;
  let parley: RunningParley;
  let browser: Browser;
  let alicePassword: string;
  let facilities: Client;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = tempDir('parley-console-');
    parley = await startParley(['dev', '--data-dir', dataDir]);
    alicePassword = devCredentials(dataDir).users.find((u) => u.username === 'alice')?.password ?? '';
    facilities = await delegatedMcpClient(parley.url, dataDir, 'facilities');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await facilities?.close().catch(() => {});
    await browser?.close();
    await parley?.stop();
  });

  it('alice signs in, sees a waiting call appear live, approves it with the keyboard, and finds its trace', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${parley.url}/console/approvals`);
    await screenshot(page, '01-sign-in');
    await signIn(page, 'alice', alicePassword);
    expect(new URL(page.url()).pathname).toBe('/console/approvals');
    await page.getByText('Nothing is waiting for a decision.').waitFor();

    // The call waits for a person; the open page shows it without a reload.
    const call = bookRoom(facilities, '2026-12-01');
    const card = page.getByRole('article', { name: 'tools/call rooms.book_room' });
    await card.waitFor({ timeout: 20_000 });
    const chain = card.getByRole('list', { name: 'Who is asking, for whom' });
    await expect(chain.getByRole('listitem').allTextContents()).resolves.toEqual(CHAIN);
    await expect(card.textContent()).resolves.toMatch(/room\s*borealis[\s\S]*date\s*2026-12-01/);
    await screenshot(page, '02-approval-waiting');

    // Keyboard only: Tab reaches Approve, focus is visible, Enter decides.
    await tabTo(page, 'Approve');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe('none');
    await screenshot(page, '03-approve-focused');
    await page.keyboard.press('Enter');

    const result = await call;
    expect(result).toEqual({ ok: true, text: expect.stringContaining('Booked borealis on 2026-12-01') });
    await page.getByText('Nothing is waiting for a decision.').waitFor();
    await page.getByRole('cell', { name: /tools\/call rooms\.book_room/ }).waitFor();

    // Policy lets alice see her own activity, but not the policies.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Policies' }).click();
    await page.getByText('Not permitted.').waitFor();

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Activity' }).click();
    const row = page.getByRole('row').filter({ hasText: 'rooms.book_room' }).first();
    await row.waitFor({ timeout: 30_000 });
    await screenshot(page, '04-activity');
    await row.getByRole('link', { name: /^Trace / }).click();
    const delegation = page.getByRole('list', { name: 'Delegation chain' });
    await delegation.waitFor();
    await expect(delegation.getByRole('listitem').allTextContents()).resolves.toEqual(CHAIN);
    // The waterfall holds the whole call: the decision, the wait for the approval, and the request around them.
    for (const span of ['POST /mcp', 'parley.decide', 'parley.approve']) {
      await page.getByRole('row').filter({ hasText: span }).first().waitFor({ timeout: 30_000 });
    }
    await screenshot(page, '05-trace-waterfall');
  }, 180_000);

  it('a deep link to an approval survives the sign-in round trip, and Deny fails the waiting call', async () => {
    const outcome = bookRoom(facilities, '2026-12-02');
    const id = await pendingApprovalFor(parley, dataDir, '2026-12-02');
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${parley.url}/console/approvals/${id}`);
    await page.getByText('An agent is waiting for your approval.').waitFor();
    await signIn(page, 'alice', alicePassword);
    expect(new URL(page.url()).pathname).toBe(`/console/approvals/${id}`);
    const card = page.getByRole('article', { name: 'tools/call rooms.book_room' });
    await expect(card.textContent()).resolves.toContain('2026-12-02');
    await card.getByRole('button', { name: 'Deny' }).click();
    await card.getByText('denied', { exact: true }).waitFor();
    await screenshot(page, '06-denied');
    const result = await outcome;
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/denied/i);
  }, 180_000);
  it('an administrator sees tools, gets inline policy errors, has a decision explained, and verifies the audit chain', async () => {
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    const created = await fetch(`${parley.url}/admin/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops', password: 'ops-console-password', roles: ['admin'] }),
    });
    expect(created.status).toBe(201);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${parley.url}/console`);
    await signIn(page, 'ops', 'ops-console-password');
    await page.getByRole('link', { name: /Tool servers\s*3/ }).waitFor();
    await screenshot(page, '07-overview-admin');

    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('cell', { name: 'rooms.book_room' }).waitFor();
    await screenshot(page, '08-tools');

    await nav.getByRole('link', { name: 'Policies' }).click();
    const editor = page.getByLabel('Cedar');
    await editor.fill('@id("broken")\npermit (principal, action, resource)\nwhen { context.nope == };\n');
    const problems = page.getByRole('list', { name: 'Problems' });
    await problems.waitFor();
    await expect(problems.textContent()).resolves.toMatch(/line 3/);
    await expect(editor.getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByRole('button', { name: 'Explain decision' }).click();
    await page.getByText('Allowed once a person approves').waitFor();
    await page.getByRole('list', { name: 'Determining policies' }).getByText('demo-facilities-book-room').waitFor();
    await screenshot(page, '09-policies');

    await nav.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/Chain intact: \d+ entries/).waitFor();
    await page.getByRole('cell', { name: 'Agent::facilities' }).first().waitFor();
    await screenshot(page, '10-audit');
  }, 180_000);
});
