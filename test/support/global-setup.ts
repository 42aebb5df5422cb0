import { dropTestSchemas } from '@parley/store';

// PostgreSQL test schemas are dropped once, before and after the run, rather
// than by each test: a DROP SCHEMA while another test migrates races its
// catalog introspection (which spans every schema).
export async function setup(): Promise<() => Promise<void>> {
  await dropTestSchemas();
  return async () => {
    await dropTestSchemas();
  };
}
