import pg from 'pg';

// int8 (COUNT, epoch-millisecond columns) as numbers: every value Parley
// stores there is below 2^53.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** A pg pool whose connections use `schema` first on their search_path. */
export function createPool(url: string, schema?: string): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    // Set at connection start-up, so no query can run before it applies.
    ...(schema ? { options: `-c search_path=${schema},public` } : {}),
  });
}
