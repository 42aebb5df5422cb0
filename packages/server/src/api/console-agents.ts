import type { A2AService, AgentCard } from '@parley/a2a';
import { type Caller, ForbiddenError, ParleyError } from '@parley/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface ConsoleAgentsOptions {
  services: ReadonlyMap<string, unknown>;
  callerOf: (request: FastifyRequest) => Caller;
}

/** One agent as the console's Agents page shows it. */
export interface ConsoleAgent {
  readonly name: string;
  /** `local`: runs inside this mesh; `remote`: registered by URL. */
  readonly kind: 'local' | 'remote';
  /** Where its Agent Card is fetched from. */
  readonly cardUrl: string;
  readonly card: AgentCard;
  readonly status: 'active' | 'held';
  readonly heldReason: string | null;
  /** Who vouches for the card's signature: this mesh's key, a key pinned on first use, or one an administrator gave. */
  readonly signedBy: 'mesh' | 'tofu' | 'jwks';
  /** When a remote card was last fetched (epoch ms); null for local agents, which are always current. */
  readonly fetchedAt: number | null;
}

const CARD_PATH = '/.well-known/agent-card.json';

/**
 * `GET /api/console/agents`: every agent of the mesh — its own (the
 * concierge, and in dev the demo agents) and the registered remote ones —
 * with their cards and skills. For administrators, like the registry API.
 */
export function consoleAgentRoutes(app: FastifyInstance, options: ConsoleAgentsOptions): void {
  app.get('/api/console/agents', async (request) => {
    const caller = options.callerOf(request);
    if (!caller.roles.includes('admin')) throw new ForbiddenError('the agent list is for administrators');
    const a2a = options.services.get('a2a') as A2AService | undefined;
    if (!a2a) throw new ParleyError('ERR_CONSOLE_NO_A2A', 'the A2A part is not running', { status: 503 });
    const local = (await a2a.listAgents())
      .filter((agent) => agent.kind === 'local')
      .map(
        (agent): ConsoleAgent => ({
          name: agent.name,
          kind: 'local',
          cardUrl: `${a2a.agentUrl(agent.name)}${CARD_PATH}`,
          card: agent.card,
          status: 'active',
          heldReason: null,
          signedBy: 'mesh',
          fetchedAt: null,
        }),
      );
    const remote = (await a2a.registry.list()).map(
      (agent): ConsoleAgent => ({
        name: agent.name,
        kind: 'remote',
        cardUrl: agent.url,
        card: agent.card,
        status: agent.status,
        heldReason: agent.heldReason ?? null,
        signedBy: agent.keySource,
        fetchedAt: agent.fetchedAt,
      }),
    );
    return { agents: [...local, ...remote] };
  });
}
