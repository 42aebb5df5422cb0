import { A2AService, type AgentDefinition, type AgentKeyStore, GeneratedAgentKeyStore } from '@parley/a2a';
import { tracedFetch } from '@parley/audit';
import { ConfigError, createGuardedFetch, type GuardedFetch, type RequestPipeline, toFetch } from '@parley/core';
import type { MeshPart } from '../part.ts';

/**
 * The A2A proxy at `/a2a/<agent>`, the registry (`GET /a2a`, `/api/a2a/agents`)
 * and push notifications. Needs `pipeline`; uses `outbound` (the guarded
 * fetch), `agentKeys` (an AgentKeyStore) and `localAgents` (the agents the
 * mesh hosts) when published.
 */
export const a2aPart: MeshPart = {
  name: 'a2a',
  async start(context) {
    const pipeline = context.services.get('pipeline') as RequestPipeline | undefined;
    if (!pipeline) throw new ConfigError('the A2A proxy needs the request pipeline (service `pipeline`)');
    const logger = context.logger.child({ part: 'a2a' });
    const outbound = context.config.outbound;
    const guarded =
      (context.services.get('outbound') as GuardedFetch | undefined) ??
      createGuardedFetch({
        allowPrivateNetworks: outbound.allowPrivateNetworks,
        allowedHosts: outbound.allowedHosts,
        timeout: outbound.timeout,
        maxBytes: outbound.maxBytes,
        maxRedirects: outbound.maxRedirects,
      });
    let keys = context.services.get('agentKeys') as AgentKeyStore | undefined;
    if (!keys) {
      logger.warn('no agent key store published (service `agentKeys`): card and push keys are generated per run');
      keys = new GeneratedAgentKeyStore();
    }
    const service = await A2AService.start({
      app: context.app,
      baseUrl: context.baseUrl,
      store: context.store,
      bus: context.bus,
      clock: context.clock,
      logger,
      pipeline,
      keys,
      agents: (context.services.get('localAgents') as AgentDefinition[] | undefined) ?? [],
      fetch: guarded,
      streamFetch: tracedFetch(toFetch(guarded)),
      webhooks: { allowPrivateNetworks: outbound.allowPrivateNetworks, allowedHosts: outbound.allowedHosts },
      configuredAgents: context.config.a2a.agents,
      refreshIntervalMs: context.config.a2a.refreshInterval,
      bodyLimit: context.config.server.bodyLimit,
      maxDelegationDepth: context.config.identity.maxDelegationDepth,
    });
    context.services.set('a2a', service);
    return {
      stop: () => service.stop(),
      banner: [{ label: 'A2A', value: `${context.baseUrl}/a2a` }],
    };
  },
};
