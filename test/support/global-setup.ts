import { dropTestSchemas, newTestRunId } from '@parley/store';

// PostgreSQL test schemas are dropped once, before and after the run, rather
// than by each test: a DROP SCHEMA while another test migrates races its
// catalog introspection (which spans every schema). Each run names its
// schemas after its own id, so a run beside it on the same database (a
// developer's while CI runs there, say) keeps its own.
export async function setup(): Promise<() => Promise<void>> {
  const run = newTestRunId();
  process.env.PARLEY_TEST_RUN = run;
  await dropTestSchemas({ run, stale: true });
  return async () => {
    await dropTestSchemas({ run });
  };
}
