import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningParley, spawnParley, startParley, tempDir } from '../support/parley-process.ts';
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

const chainOf = (...links: RegExp[]) => links.map((re) => expect.stringMatching(re));
/** The room booking as the approval shows it: alice -> concierge -> facilities -> the tool. */
const ROOM_CHAIN = chainOf(
  /^User\s*alice$/,
  /^Agent\s*concierge$/,
  /^Agent\s*facilities$/,
  /^Tool\s*rooms\.book_room$/,
);
/** A trace of the ask, at its deepest hop: user -> concierge -> agent -> tool. */
const ASK_CHAIN = chainOf(
  /^User\s*alice$/,
  /^Agent\s*concierge$/,
  /^Agent\s*(scheduler|facilities|comms)$/,
  /^Tool\s*[a-z]+\.[a-z_]+$/,
);

const OFFSITE =
  'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement';

/** `parley ask --json` as a child process (alice's dev API key); resolves with its exit code and summary. */
function ask(parley: RunningParley, dataDir: string, request: string) {
  const run = spawnParley(['ask', request, '--url', parley.url, '--data-dir', dataDir, '--json']);
  const exited = run.exited.then((code) => {
    try {
      return { code, summary: JSON.parse(run.stdout()) as { state?: string; answer?: string; traceId?: string } };
    } catch {
      return {
        code,
        summary: { answer: `no JSON: ${run.stdout()}\n${run.stderr()}` } as {
          state?: string;
          answer?: string;
          traceId?: string;
        },
      };
    }
  });
  return { exited, kill: () => run.child.kill() };
}

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
  let opsPassword: string;
  let facilities: Client;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = tempDir('parley-console-');
    parley = await startParley(['dev', '--data-dir', dataDir]);
    const { users } = devCredentials(dataDir);
    alicePassword = users.find((u) => u.username === 'alice')?.password ?? '';
    opsPassword = users.find((u) => u.username === 'ops')?.password ?? '';
    facilities = await delegatedMcpClient(parley.url, dataDir, 'facilities');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await facilities?.close().catch(() => {});
    await browser?.close();
    await parley?.stop();
  });

  it('alice signs in; while `parley ask` waits its approvals appear live, she approves them with the keyboard, the ask completes and she opens its trace', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${parley.url}/console/approvals`);
    await screenshot(page, '01-sign-in');
    await signIn(page, 'alice', alicePassword);
    expect(new URL(page.url()).pathname).toBe('/console/approvals');
    await page.getByText('Nothing is waiting for a decision.').waitFor();
    // The list is fed by the event stream, not by polling.
    await page.locator('[data-live="stream"]').waitFor();

    const run = ask(parley, dataDir, OFFSITE);
    try {
      // The room booking waits for alice; the open page shows it without a reload.
      const room = page.getByRole('article', { name: 'tools/call rooms.book_room' });
      await room.waitFor({ timeout: 60_000 });
      const chain = room.getByRole('list', { name: 'Who is asking, for whom' });
      await expect(chain.getByRole('listitem').allTextContents()).resolves.toEqual(ROOM_CHAIN);
      await expect(room.textContent()).resolves.toMatch(/room\s*borealis/);
      await screenshot(page, '02-approval-waiting');

      // Keyboard only: Tab reaches Approve, focus is visible, Enter decides.
      await tabTo(page, 'Approve');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
      expect(outline).not.toBe('none');
      await screenshot(page, '03-approve-focused');
      await page.keyboard.press('Enter');

      // Then the announcement, once the room is booked.
      const mail = page.getByRole('article', { name: 'tools/call mail.send_email' });
      await mail.waitFor({ timeout: 60_000 });
      await screenshot(page, '04-mail-approval');
      await tabTo(page, 'Approve');
      await page.keyboard.press('Enter');

      const { code, summary } = await run.exited;
      expect(summary.answer).toMatch(/Booked Borealis/);
      expect(summary.state).toBe('TASK_STATE_COMPLETED');
      expect(code).toBe(0);
      expect(summary.traceId).toMatch(/^[0-9a-f]{32}$/);
      await page.getByText('Nothing is waiting for a decision.').waitFor();
      await page.getByRole('cell', { name: /tools\/call mail\.send_email/ }).waitFor();

      // Policy lets alice see her own activity, but not the policies.
      const nav = page.getByRole('navigation', { name: 'Console' });
      await nav.getByRole('link', { name: 'Policies' }).click();
      await page.getByText('Not permitted.').waitFor();

      await nav.getByRole('link', { name: 'Activity' }).click();
      const trace = page.getByRole('link', { name: `Trace ${summary.traceId}` });
      await trace.waitFor({ timeout: 30_000 });
      await screenshot(page, '05-activity');
      await trace.click();
      // The whole ask, end to end: the concierge's skill, the agents' skills, the tools.
      for (const span of ['plan_and_delegate', 'book_room', 'rooms.book_room', 'mail.send_email', 'parley.approve']) {
        await page.getByRole('row').filter({ hasText: span }).first().waitFor({ timeout: 30_000 });
      }
      const delegation = page.getByRole('list', { name: 'Delegation chain' });
      await expect(delegation.getByRole('listitem').allTextContents()).resolves.toEqual(ASK_CHAIN);
      await screenshot(page, '06-trace-waterfall');
    } finally {
      run.kill();
    }
  }, 240_000);

  it('a deep link to an approval survives the sign-in round trip, and Deny fails the waiting call', async () => {
    const outcome = bookRoom(facilities, '2027-03-02');
    const id = await pendingApprovalFor(parley, dataDir, '2027-03-02');
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${parley.url}/console/approvals/${id}`);
    await page.getByText('An agent is waiting for your approval.').waitFor();
    await signIn(page, 'alice', alicePassword);
    expect(new URL(page.url()).pathname).toBe(`/console/approvals/${id}`);
    const card = page.getByRole('article', { name: 'tools/call rooms.book_room' });
    await expect(card.textContent()).resolves.toContain('2027-03-02');
    await card.getByRole('button', { name: 'Deny' }).click();
    await card.getByText('denied', { exact: true }).waitFor();
    await screenshot(page, '07-denied');
    const result = await outcome;
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/denied/i);
  }, 180_000);
  it('the dev administrator ops sees agents and tools, gets inline policy errors, has a decision explained, and verifies the audit chain', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${parley.url}/console`);
    await signIn(page, 'ops', opsPassword);
    await page.getByRole('link', { name: /Tool servers\s*3/ }).waitFor();
    await screenshot(page, '08-overview-admin');

    const nav = page.getByRole('navigation', { name: 'Console' });
    // The mesh's own agents, with their cards and skills.
    await nav.getByRole('link', { name: 'Agents' }).click();
    for (const name of ['concierge', 'scheduler', 'facilities', 'comms']) {
      await page.getByRole('article', { name: new RegExp(`^${name}`) }).waitFor();
    }
    const concierge = page.getByRole('article', { name: /^concierge/ });
    await concierge.getByText('signed by this mesh').waitFor();
    await expect(concierge.getByRole('listitem').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, '09-agents');

    await nav.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('cell', { name: 'rooms.book_room' }).waitFor();
    await screenshot(page, '10-tools');

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
    await screenshot(page, '11-policies');

    await nav.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/Chain intact: \d+ entries/).waitFor();
    await page.getByRole('cell', { name: 'Agent::facilities' }).first().waitFor();
    await screenshot(page, '12-audit');
  }, 180_000);

  it('renews an expired access token without a new sign-in; Sign out ends the tokens and the sign-in session', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${parley.url}/console`);
    await signIn(page, 'alice', alicePassword);
    const session = () =>
      page.evaluate(
        () =>
          JSON.parse(sessionStorage.getItem('parley.console.session') ?? 'null') as {
            accessToken: string;
            expiresAt: number;
            refreshToken?: string;
          } | null,
      );
    const first = await session();
    expect(first?.refreshToken).toBeTruthy();
    // The access token runs out (as it does after identity.accessTokenTtl) ...
    await page.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem('parley.console.session') ?? '{}') as object;
      sessionStorage.setItem('parley.console.session', JSON.stringify({ ...stored, expiresAt: 0 }));
    });
    // ... and the next page loads with a renewed one, no sign-in page on the way.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    // The page's first API call renews the session in the background.
    await page.waitForFunction(
      () =>
        (JSON.parse(sessionStorage.getItem('parley.console.session') ?? '{}') as { expiresAt?: number }).expiresAt ?? 0,
    );
    expect(await page.getByRole('button', { name: 'Sign in with Parley' }).count()).toBe(0);
    const renewed = await session();
    expect(renewed?.accessToken).toBeTruthy();
    expect(renewed?.accessToken).not.toBe(first?.accessToken);
    expect(renewed?.refreshToken).not.toBe(first?.refreshToken);
    const me = (token: string) =>
      fetch(`${parley.url}/api/console/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me(renewed?.accessToken ?? '')).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    // The authorization server asks before it ends its own sign-in session ...
    await page.getByRole('heading', { name: 'Sign out of Parley?' }).waitFor();
    await screenshot(page, '13-sign-out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    // ... then sends the browser back to the console, signed out.
    await page.getByRole('button', { name: 'Sign in with Parley' }).waitFor();
    expect(await session()).toBeNull();
    // Revoking the refresh token ended the grant: its access tokens are refused at once.
    expect(await me(renewed?.accessToken ?? '')).toBe(401);
    // Signing in again asks for the password: the authorization server's session is over too.
    await page.getByRole('button', { name: 'Sign in with Parley' }).click();
    await page.getByLabel('Password').waitFor();
  }, 120_000);
});
