import type { A2AService, AgentDefinition } from '@parley/a2a';
import { tracedFetch } from '@parley/audit';
import { demoAgents } from '@parley/example-demo-agents';
import type { IdentityService } from '@parley/identity';
import { CONCIERGE, conciergeAgent, executionSettings, meshDirectory, plannerFromConfig } from '@parley/orchestrator';
import type { MeshPart } from '../part.ts';

/**
 * The agents the mesh hosts itself, served by the a2a part at `/a2a/<name>`:
 * the concierge always, and in `dev` the demo specialists (scheduler,
 * facilities, comms) that reach their tools through the MCP gateway.
 * Publishes `localAgents`; starts before the a2a part.
 */
export const agentsPart: MeshPart = {
  name: 'agents',
  async start(context) {
    const { baseUrl, config, services, logger } = context;
    const identity = services.get('identity') as IdentityService | undefined;
    if (identity && !identity.directory.principal(CONCIERGE)) {
      await identity.createAgent({ name: CONCIERGE });
    }
    const planner = plannerFromConfig(config.orchestrator, { env: process.env, logger });
    const agents: AgentDefinition[] = [];
    agents.push(
      conciergeAgent({
        directory: meshDirectory({
          baseUrl,
          localAgents: () => agents,
          registry: () => (services.get('a2a') as A2AService | undefined)?.registry,
          exclude: [CONCIERGE],
        }),
        planner,
        settings: executionSettings(config.orchestrator),
        // The concierge calls its own mesh's proxy, a URL no one else supplied.
        fetch: tracedFetch(globalThis.fetch),
        logger: logger.child({ agent: CONCIERGE }),
      }),
    );
    if (context.mode === 'dev') agents.push(...demoAgents(`${baseUrl}/mcp`, tracedFetch(globalThis.fetch)));
    services.set('localAgents', agents);
    return {
      banner: [{ label: 'Concierge', value: `${baseUrl}/a2a/${CONCIERGE} (${planner.kind} planner)` }],
    };
  },
};
