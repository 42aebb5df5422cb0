import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Logger, StoreError, silentLogger } from '@parley/core';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.ts';
import { createPool } from './postgres/pool.ts';
import type { Database } from './schema/database.ts';
import { NodeSqliteDatabase } from './sqlite/node-sqlite-database.ts';

export type StoreDialect = 'sqlite' | 'postgres';

export interface OpenStoreOptions {
  /** `postgres://…`, `sqlite:/path/file.db`, `sqlite::memory:`; absent means `<dataDir>/parley.db`. */
  url?: string | undefined;
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (created if missing); isolates tests and tenants. */
  schema?: string | undefined;
  /** Run pending migrations on open (default true). */
  migrate?: boolean;
  logger?: Logger;
}

/** Parley's state: one typed Kysely instance over SQLite or PostgreSQL. */
export class Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /** Where the data lives, for messages (no credentials). */
  readonly location: string;
  readonly #schema: string | undefined;
  #closed = false;

  private constructor(db: Kysely<Database>, dialect: StoreDialect, location: string, schema?: string) {
    this.db = db;
    this.dialect = dialect;
    this.location = location;
    this.#schema = schema;
  }

  /** Opens (and by default migrates) the store the options name. */
  static async open(options: OpenStoreOptions = {}): Promise<Store> {
    const logger = options.logger ?? silentLogger();
    const url = options.url;
    let store: Store;
    if (url && /^postgres(ql)?:/.test(url)) {
      const pool = createPool(url, options.schema);
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      store = new Store(db, 'postgres', redactUrl(url), options.schema);
      try {
        if (options.schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(options.schema)}`.execute(db);
        await store.ping();
      } catch (error) {
        await db.destroy().catch(() => {});
        throw new StoreError('ERR_STORE_UNREACHABLE', `cannot reach PostgreSQL at ${store.location}`, error);
      }
    } else {
      const path = sqlitePath(url, options.dataDir);
      if (path !== ':memory:') mkdirSync(resolve(path, '..'), { recursive: true });
      let database: NodeSqliteDatabase;
      try {
        database = new NodeSqliteDatabase(path);
      } catch (error) {
        throw new StoreError('ERR_STORE_UNREACHABLE', `cannot open SQLite database ${path}`, error);
      }
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
      store = new Store(db, 'sqlite', path);
    }
    if (options.migrate !== false) await store.migrate(logger);
    return store;
  }

  /** Applies every pending migration; idempotent, safe with several replicas. */
  async migrate(logger: Logger = silentLogger()): Promise<string[]> {
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => migrations },
      allowUnorderedMigrations: true,
      // Introspection sees every schema; name ours so another schema's
      // migration tables are not mistaken for these.
      ...(this.#schema ? { migrationTableSchema: this.#schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (applied.length > 0) logger.info({ applied }, 'store migrated');
    if (error) throw new StoreError('ERR_STORE_MIGRATION', 'store migration failed', error);
    return applied;
  }

  /** Resolves when the store answers a trivial query. */
  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('parley_meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    const now = Date.now();
    await this.db
      .insertInto('parley_meta')
      .values({ key, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }

  /** Sets a meta value only if absent; returns the value in force (race-safe across replicas). */
  async ensureMeta(key: string, create: () => string): Promise<string> {
    await this.db
      .insertInto('parley_meta')
      .values({ key, value: create(), updated_at: Date.now() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const value = await this.getMeta(key);
    if (value === undefined) throw new StoreError('ERR_STORE_INCONSISTENT', `meta ${key} vanished`);
    return value;
  }

  /** Closes the store; calling it again does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.db.destroy();
  }
}

function sqlitePath(url: string | undefined, dataDir: string | undefined): string {
  if (url === 'sqlite::memory:' || url === 'sqlite:memory') return ':memory:';
  if (url?.startsWith('sqlite:')) return resolve(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  return resolve(join(dataDir ?? './.parley', 'parley.db'));
}

/** The URL without its password, for logs and errors; `scheme` names one that does not parse. */
export function redactUrl(url: string, scheme = 'postgres'): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return `${scheme}://(unparseable URL)`;
  }
}
