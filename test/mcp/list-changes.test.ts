import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type EverythingHttp, serveEverything } from '@parley/example-mcp-everything';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/harness.ts';
import { type McpMesh, startMcpMesh } from './support/mesh.ts';

/*
 * `list_changed` from a 2026-07-28 upstream, end to end on the real mesh. Such
 * an upstream sends change notifications only on a `subscriptions/listen`
 * stream, which the gateway keeps open; a 2026-07-28 caller listening on the
 * gateway hears about the change. The upstream then restarts (its streams cut
 * off), and the gateway listens again by itself.
 */
describe('list changes of a 2026-07-28 upstream through the gateway', () => {
  let port: number;
  let upstream: EverythingHttp;
  let mesh: McpMesh;
  let caller: Client;
  let changes = 0;
  let onChange: () => void = () => {};

  const nextChange = (within: number) => {
    const seen = changes;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no tools/list_changed within ${within} ms`)), within);
      onChange = () => {
        if (changes > seen) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  };

  beforeAll(async () => {
    port = await freePort();
    upstream = await serveEverything(port);
    mesh = await startMcpMesh({ servers: [{ name: 'everything', url: upstream.url }] });
    caller = new Client({ name: 'listener', version: '1' }, { versionNegotiation: { mode: 'auto' } });
    caller.setNotificationHandler('notifications/tools/list_changed', () => {
      changes++;
      onChange();
    });
    await caller.connect(
      new StreamableHTTPClientTransport(new URL(mesh.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${mesh.alice.apiKey}` } },
      }),
    );
    expect(caller.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    await caller.listen({ toolsListChanged: true });
  }, 60_000);
  afterAll(async () => {
    await caller?.close();
    await mesh?.close();
    await upstream?.close();
  });

  it("passes an upstream's tools/list_changed to a listening caller", async () => {
    const changed = nextChange(5000);
    await caller.callTool({ name: 'everything.test_trigger_tool_change', arguments: {} });
    await changed;
  });

  it('listens again after the upstream restarts', async () => {
    await upstream.close();
    upstream = await serveEverything(port);
    // The gateway retries with backoff; poll the trigger until a change comes through.
    const changed = nextChange(15_000);
    let done = false;
    void changed.then(() => {
      done = true;
    });
    for (let i = 0; i < 30 && !done; i++) {
      await caller.callTool({ name: 'everything.test_trigger_tool_change', arguments: {} }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await changed;
  }, 30_000);
});
