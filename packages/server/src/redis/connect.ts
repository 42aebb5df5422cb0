import { type Logger, StoreError } from '@parley/core';
import { redactUrl } from '@parley/store';
import { Redis } from 'ioredis';

/**
 * `count` connections to the Redis at `url`, connected before this resolves:
 * a replica that cannot reach its Redis fails at start with a clear error
 * (the URL's password left out), not at its first cross-replica event.
 */
export async function connectRedis(
  url: string,
  logger: Logger,
  count: number,
  { offlineQueue = true }: { offlineQueue?: boolean } = {},
): Promise<Redis[]> {
  const options = {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    connectTimeout: 5000,
    enableOfflineQueue: offlineQueue,
  };
  const clients = Array.from({ length: count }, () => new Redis(url, options));
  for (const client of clients) client.on('error', (error: Error) => logger.warn({ err: error }, 'redis error'));
  try {
    await Promise.all(clients.map((client) => client.connect()));
  } catch (error) {
    for (const client of clients) client.disconnect();
    throw new StoreError('ERR_STORE_REDIS_UNREACHABLE', `cannot reach Redis at ${redactUrl(url, 'redis')}`, error);
  }
  return clients;
}
