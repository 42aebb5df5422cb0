import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '@parley/config';
import { silentLogger } from '@parley/core';
import { serveEverything } from '@parley/example-mcp-everything';
import type { IdentityService } from '@parley/identity';
import { type Mesh, startMesh } from '@parley/server';
import { tempDir } from '../../support/parley-process.ts';

/** Lets alice (and any client acting for her) use every tool, resource and prompt of `servers`. */
export function alicePolicy(servers: readonly string[]): string {
  return servers
    .map(
      (server) => `@id("test-alice-${server}")
permit (principal == User::"alice", action, resource in McpServer::"${server}");
@id("test-alice-${server}-discover")
permit (principal == User::"alice", action, resource == McpServer::"${server}");
`,
    )
    .join('\n');
}

/** The real mesh (`startMesh`, default parts, dev mode) on a free port with its own data directory. */
export interface McpMesh {
  readonly mesh: Mesh;
  readonly url: string;
  readonly mcpUrl: string;
  readonly dataDir: string;
  readonly identity: IdentityService;
  /** alice's password and API key from `<dataDir>/dev-credentials.json`. */
  readonly alice: { username: string; password: string; apiKey: string };
  close(): Promise<void>;
}

export async function startMcpMesh(options: {
  servers: unknown[];
  /** Cedar text added as a `policy.files` entry (default: `alicePolicy` over `servers`). */
  policy?: string;
  mcp?: Record<string, unknown>;
}): Promise<McpMesh> {
  const dataDir = tempDir('parley-mcp-');
  const names = options.servers.map((s) => (s as { name: string }).name);
  const policyFile = join(dataDir, 'test.cedar');
  writeFileSync(policyFile, options.policy ?? alicePolicy(names));
  const config = validateConfig({
    dataDir,
    server: { port: 0 },
    log: { level: 'silent' },
    policy: { files: [policyFile] },
    mcp: { servers: options.servers, rateLimit: { requests: 100_000, window: '1m' }, ...options.mcp },
  });
  const mesh = await startMesh({ config, mode: 'dev', logger: silentLogger() });
  const credentials = JSON.parse(readFileSync(join(dataDir, 'dev-credentials.json'), 'utf8')) as {
    users: Array<{ username: string; password: string; apiKey: string }>;
  };
  const alice = credentials.users.find((u) => u.username === 'alice');
  if (!alice) throw new Error('dev mode seeded no alice');
  return {
    mesh,
    url: mesh.url,
    mcpUrl: `${mesh.url}/mcp`,
    dataDir,
    identity: mesh.context.services.get('identity') as IdentityService,
    alice,
    async close() {
      await mesh.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The mesh with the SDK-built everything server as its one upstream (named
 * `everything`, with `upstream`'s settings; `options` as `startMcpMesh` takes
 * them); `close()` stops both.
 */
export async function startEverythingMesh(
  upstream: { prefix?: string; toolScopes?: Record<string, string[]> } = {},
  options: { policy?: string; mcp?: Record<string, unknown> } = {},
): Promise<McpMesh> {
  const everything = await serveEverything();
  const mesh = await startMcpMesh({ servers: [{ name: 'everything', url: everything.url, ...upstream }], ...options });
  return {
    ...mesh,
    async close() {
      await mesh.close();
      await everything.close();
    },
  };
}
