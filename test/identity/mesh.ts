import { rmSync } from 'node:fs';
import { validateConfig } from '@parley/config';
import { type Clock, silentLogger } from '@parley/core';
import type { IdentityService } from '@parley/identity';
import { type Mesh, type MeshPart, startMesh } from '@parley/server';
import { identityPart } from '../../packages/server/src/mesh/parts/identity.ts';
import { tempDir } from '../support/parley-process.ts';

/** A mesh running only the identity part, on a free port, with its own data directory. */
export interface IdentityMesh {
  mesh: Mesh;
  url: string;
  dataDir: string;
  identity: IdentityService;
  close(): Promise<void>;
}

export async function startIdentityMesh(
  options: {
    /** Parts started before identity (e.g. one publishing an `outbound` fetch). */
    before?: MeshPart[];
    mode?: 'dev' | 'start';
    identity?: Record<string, unknown>;
    outbound?: Record<string, unknown>;
    store?: string;
    /** PostgreSQL schema for `store` (config `store.schema`). */
    storeSchema?: string;
    port?: number;
    clock?: Clock;
    dataDir?: string;
  } = {},
): Promise<IdentityMesh> {
  const dataDir = options.dataDir ?? tempDir('parley-identity-');
  const config = validateConfig({
    dataDir,
    server: { port: options.port ?? 0 },
    log: { level: 'silent' },
    ...(options.store
      ? { store: { url: options.store, ...(options.storeSchema ? { schema: options.storeSchema } : {}) } }
      : {}),
    identity: options.identity ?? {},
    outbound: options.outbound ?? {},
  });
  const mesh = await startMesh({
    config,
    mode: options.mode ?? 'start',
    logger: silentLogger(),
    parts: [...(options.before ?? []), identityPart],
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    mesh,
    url: mesh.url,
    dataDir,
    identity: mesh.context.services.get('identity') as IdentityService,
    async close() {
      await mesh.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
