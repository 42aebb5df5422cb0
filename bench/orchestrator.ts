/**
 * Offline planning latency for the demo request, against BM25 ranking alone:
 * how much of planning is the ranking. Run: node bench/orchestrator.ts
 */
import { performance } from 'node:perf_hooks';
import { OfflinePlanner, SkillIndex } from '@parley/orchestrator';
import { DEMO_AGENTS } from '@parley/orchestrator/testing';

const DEMO_REQUEST =
  'Plan a team offsite for the platform team next week: find a day everyone is free, book a room for 8 people, and email the announcement';
const PARTS = ['find a day everyone is free', 'book a room for 8 people', 'email the announcement'];
const ITERATIONS = 5_000;

async function measure(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i += 1) await fn();
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i += 1) await fn();
  const perOp = ((performance.now() - start) / ITERATIONS) * 1000;
  console.log(`${name.padEnd(44)} ${perOp.toFixed(1).padStart(8)} µs/op`);
}

const planner = new OfflinePlanner();
const index = new SkillIndex(DEMO_AGENTS);
await measure('offline plan, demo request (split+index+rank)', () =>
  planner.plan({ request: DEMO_REQUEST, agents: DEMO_AGENTS }),
);
await measure('BM25 index build (3 agents, 5 skills)', () => new SkillIndex(DEMO_AGENTS));
await measure('BM25 ranking alone (3 parts, prebuilt index)', () => PARTS.map((part) => index.rank(part)));
