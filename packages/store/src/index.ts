export type { Database } from './schema/database.ts';
export type { MetaTable } from './schema/meta.ts';
export { type OpenStoreOptions, redactUrl, Store, type StoreDialect } from './store.ts';
export {
  dropTestSchemas,
  newTestRunId,
  TEST_SCHEMA_PREFIX,
  type TestStoreBackend,
  testSchemaName,
  testStoreBackends,
} from './testing.ts';
