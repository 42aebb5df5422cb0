import type { MetaTable } from './meta.ts';

/**
 * Every table Parley keeps, by name. Parts add their tables here (and a
 * migration under `migrations/`) so one typed Kysely instance serves them all.
 * Portable column types only: text, integer (booleans as 0/1), bigint epoch
 * milliseconds, JSON as text.
 */
export interface Database {
  parley_meta: MetaTable;
}
