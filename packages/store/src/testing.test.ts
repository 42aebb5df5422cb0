import { describe, expect, it } from 'vitest';
import { doomedSchemas, newTestRunId, TEST_SCHEMA_PREFIX } from './testing.ts';

describe('test schemas of concurrent runs', () => {
  const now = Date.UTC(2026, 10, 24, 12);
  const ours = newTestRunId(now);
  const beside = newTestRunId(now - 60_000);
  const stale = newTestRunId(now - 7 * 3600_000);
  const [mine, theirs, old] = [ours, beside, stale].map((run) => `${TEST_SCHEMA_PREFIX}${run}_a1b2c3`) as [
    string,
    string,
    string,
  ];
  const legacy = `${TEST_SCHEMA_PREFIX}a1b2c3d4e5f6`;
  const names = [mine, theirs, old, legacy, 'public'];

  it('drops only its own run’s schemas at the end of a run', () => {
    expect(doomedSchemas(names, { run: ours, stale: false, now })).toEqual([mine]);
  });

  it('drops stale runs’ and unnamed runs’ schemas too at the start, and keeps a run going on beside it', () => {
    expect(doomedSchemas(names, { run: ours, stale: true, now })).toEqual([mine, old, legacy]);
  });
});
