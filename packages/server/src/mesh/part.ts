import type { Config } from '@parley/config';
import type { Clock, EventBus, Logger } from '@parley/core';
import type { Store } from '@parley/store';
import type { FastifyInstance } from 'fastify';

/** `dev` seeds the demo mesh; `start` seeds nothing. */
export type MeshMode = 'dev' | 'start';

/** What every part of the mesh is started with. */
export interface MeshContext {
  readonly config: Config;
  readonly mode: MeshMode;
  /** Absolute data directory (SQLite file, dev credentials, keys on disk). */
  readonly dataDir: string;
  /** The externally visible base URL, no trailing slash. */
  readonly baseUrl: string;
  readonly store: Store;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly app: FastifyInstance;
  /**
   * Services earlier parts published for later ones. Well-known keys:
   * `authenticate` (RequestPipeline['authenticate'], from identity),
   * `identity`, `policy`, `approvals`, `audit`, `pipeline` (RequestPipeline),
   * `outbound` (the guarded fetch).
   */
  readonly services: Map<string, unknown>;
}

/** A started part; stopped in reverse order on shutdown. */
export interface PartHandle {
  stop?(): Promise<void>;
  /** Lines for the start-up banner, e.g. `MCP gateway  http://…/mcp`. */
  banner?: ReadonlyArray<{ label: string; value: string }>;
}

/** One part of DESIGN.md (identity, policy, mcp, a2a, ...), composed by the server. */
export interface MeshPart {
  readonly name: string;
  start(context: MeshContext): Promise<PartHandle | undefined>;
}
