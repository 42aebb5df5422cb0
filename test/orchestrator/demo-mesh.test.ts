import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Approval, adminApi, decideApprovals, resourceOf } from '../support/approvals.ts';
import { type RunningParley, spawnParley, startParley, tempDir } from '../support/parley-process.ts';

// The headline flow, end to end on a running `parley dev`: `parley ask` →
// concierge → scheduler/facilities/comms over A2A → MCP gateway → demo tools,
// with the two approvals decided through the approvals API as a person would.
const DEMO =
  'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement';

interface AskSummary {
  ok: boolean;
  state: string;
  answer: string;
  traceId?: string;
  subtasks: Array<{ agent: string; status: string; reason?: string }>;
}

let mesh: RunningParley;
let dataDir: string;
let adminKey: string;

beforeAll(async () => {
  dataDir = tempDir('parley-demo-');
  mesh = await startParley(['dev', '--data-dir', dataDir]);
  adminKey = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
}, 60_000);

afterAll(async () => {
  await mesh?.stop('SIGTERM');
});

/** Runs `parley ask --json`, deciding each approval that appears with `decision`, until the ask exits. */
async function ask(
  request: string,
  decision: 'approve' | 'deny',
): Promise<{ code: number | null; summary: AskSummary; decided: Approval[] }> {
  const run = spawnParley(['ask', request, '--url', mesh.url, '--data-dir', dataDir, '--json']);
  const decided = await decideApprovals(adminApi(mesh.url, adminKey), decision, run.exited);
  const code = await run.exited;
  let summary: AskSummary;
  try {
    summary = JSON.parse(run.stdout()) as AskSummary;
  } catch {
    throw new Error(`parley ask printed no JSON (exit ${code}):\n${run.stdout()}\n${run.stderr()}`);
  }
  return { code, summary, decided };
}

describe('the demo mesh (parley dev + parley ask)', () => {
  it('completes the offsite once both approvals are given, naming the date, the room and the mail', async () => {
    const { code, summary, decided } = await ask(DEMO, 'approve');
    expect(summary.state).toBe('TASK_STATE_COMPLETED');
    expect(code).toBe(0);
    expect(decided.map(resourceOf).sort()).toEqual(['Tool::"mail.send_email"', 'Tool::"rooms.book_room"']);
    expect(summary.subtasks.map((s) => `${s.agent}:${s.status}`).sort()).toEqual([
      'comms:completed',
      'facilities:completed',
      'scheduler:completed',
    ]);
    const date = /\b\d{4}-\d{2}-\d{2}\b/.exec(summary.answer)?.[0];
    expect(date).toBeDefined();
    expect(summary.answer).toContain(`Booked Borealis (8 seats) for 8 people on ${date}`);
    expect(summary.answer).toMatch(/Sent "Team offsite on \d{4}-\d{2}-\d{2}" to alice@example\.com/);

    // One trace covers every hop: the concierge's skill, the three agents' skills, the gateway's tools.
    expect(summary.traceId).toMatch(/^[0-9a-f]{32}$/);
    const hops = [
      'plan_and_delegate',
      'find_common_free_day',
      'book_room',
      'send_announcement',
      'calendar.find_free_slots',
      'rooms.book_room',
      'mail.send_email',
    ];
    // Spans are written in batches: wait until the whole ask has arrived.
    type Span = { name: string; attributes: Record<string, unknown> };
    let spans: Span[] = [];
    const resourcesOf = (name?: string) =>
      new Set(
        spans
          .filter((s) => name === undefined || s.name === name)
          .map((s) => String(s.attributes['parley.resource'] ?? '')),
      );
    const covered = (resources: Set<string>, hop: string) => [...resources].some((r) => r.endsWith(`::${hop}`));
    const tools = hops.filter((hop) => hop.includes('.'));
    for (let i = 0; i < 60; i++) {
      const response = await fetch(`${mesh.url}/api/traces/${summary.traceId}`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      if (response.ok) {
        spans = ((await response.json()) as { spans: Span[] }).spans;
        const forwarded = resourcesOf('parley.forward');
        if (hops.every((hop) => covered(resourcesOf(), hop)) && tools.every((t) => covered(forwarded, t))) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const hop of hops) {
      expect(covered(resourcesOf(), hop), `a span for ${hop} in ${[...resourcesOf()].join(', ')}`).toBe(true);
    }
    // Each tool call's forward step (the upstream's share) and its audit record are steps of the trace.
    for (const tool of tools) expect(covered(resourcesOf('parley.forward'), tool), `forward ${tool}`).toBe(true);
    const recorded = spans.filter((s) => s.name === 'parley.record');
    expect(recorded.length).toBeGreaterThanOrEqual(hops.length);
    for (const span of recorded) expect(span.attributes['parley.audit.seq']).toEqual(expect.any(Number));
  });

  it('says what was not done when the approvals are denied', async () => {
    const { code, summary, decided } = await ask(DEMO, 'deny');
    expect(code).toBe(1);
    expect(summary.ok).toBe(false);
    expect(decided.map(resourceOf)).toContain('Tool::"rooms.book_room"');
    const byAgent = Object.fromEntries(summary.subtasks.map((s) => [s.agent, s.status]));
    expect(byAgent.scheduler).toBe('completed');
    expect(byAgent.facilities).not.toBe('completed');
    expect(byAgent.comms).toBe('skipped');
    expect(summary.answer).toMatch(/Not done/);
    expect(summary.answer).toMatch(/Book a room for 8 people \(facilities\): (failed|rejected)/);
  });

  it('reports a partial result when an agent cannot do its part', async () => {
    // No head count: facilities refuses, the scheduler's part still stands.
    const { code, summary } = await ask('Find a day everyone on the platform team is free, and book a room', 'approve');
    expect(code).toBe(1);
    const byAgent = Object.fromEntries(summary.subtasks.map((s) => [s.agent, s]));
    expect(byAgent.scheduler?.status).toBe('completed');
    expect(byAgent.facilities?.status).toMatch(/rejected|failed/);
    expect(summary.answer).toMatch(/how many people/i);
  });
});
