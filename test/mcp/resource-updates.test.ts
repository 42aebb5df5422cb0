import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { WATCHED_RESOURCE } from '@parley/example-mcp-everything';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpMesh, startEverythingMesh } from './support/mesh.ts';

/*
 * `notifications/resources/updated` end to end on the real mesh: a 2025-11-25
 * caller subscribes through the gateway, the everything server's
 * `touch_resource` reports a change, and the notification reaches the caller's
 * session (and only for the URI it subscribed to).
 */
describe('resource update notifications through the gateway', () => {
  let mesh: McpMesh;

  beforeAll(async () => {
    mesh = await startEverythingMesh();
  }, 60_000);
  afterAll(async () => {
    await mesh?.close();
  });

  it('reaches a subscribed 2025-11-25 session, for the subscribed URI only', async () => {
    const client = new Client({ name: 'subscriber', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
    const updated: string[] = [];
    let arrived: () => void = () => {};
    const watchedArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    client.setNotificationHandler('notifications/resources/updated', (notification) => {
      updated.push(notification.params.uri);
      if (notification.params.uri === WATCHED_RESOURCE) arrived();
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mesh.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${mesh.alice.apiKey}` } },
      }),
    );
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    await client.subscribeResource({ uri: WATCHED_RESOURCE });

    // A change to a resource nobody subscribed to first, then the watched one: only the latter arrives.
    await client.callTool({ name: 'everything.touch_resource', arguments: { uri: 'test://static-text' } });
    const touched = await client.callTool({ name: 'everything.touch_resource', arguments: { uri: WATCHED_RESOURCE } });
    expect(touched.isError).toBeFalsy();
    await Promise.race([
      watchedArrived,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no update; got ${updated}`)), 5000)),
    ]);
    expect(updated).toEqual([WATCHED_RESOURCE]);
    await client.close();
  });
});
