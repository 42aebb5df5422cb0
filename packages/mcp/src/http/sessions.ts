import type { Server, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';

/** One 2025-11-25 session: its transport, its server, and who owns it. */
export interface LegacySession {
  readonly id: string;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly server: Server;
  /** `<type>:<id>` of the principal that opened it; nobody else may use it. */
  readonly owner: string;
  readonly virtualServer: string | undefined;
  readonly subscriptions: Set<string>;
  lastSeen: number;
}

/**
 * The sessions of this replica (`Mcp-Session-Id`), closed after `idleMs`
 * without a request.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#session-management
 */
export class SessionTable {
  readonly #sessions = new Map<string, LegacySession>();
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: { idleMs: number; now: () => number }) {
    this.#idleMs = options.idleMs;
    this.#now = options.now;
    this.#sweeper = setInterval(() => void this.sweep(), Math.min(60_000, options.idleMs));
    this.#sweeper.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  add(session: LegacySession): void {
    this.#sessions.set(session.id, session);
  }

  /** The session, if `owner` owns it; touching it keeps it alive. */
  get(id: string, owner: string): LegacySession | undefined {
    const session = this.#sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    session.lastSeen = this.#now();
    return session;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  all(): IterableIterator<LegacySession> {
    return this.#sessions.values();
  }

  async sweep(): Promise<void> {
    const now = this.#now();
    for (const session of [...this.#sessions.values()]) {
      if (now - session.lastSeen > this.#idleMs) {
        this.#sessions.delete(session.id);
        await session.transport.close().catch(() => {});
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => session.transport.close().catch(() => {})));
  }
}
