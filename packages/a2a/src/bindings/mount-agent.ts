import type { FastifyInstance } from 'fastify';
import { buildAgentCard } from '../cards/build-card.ts';
import type { CardSigner } from '../cards/card-signer.ts';
import type { AgentKeyStore } from '../cards/key-store.ts';
import type { AgentRuntime } from '../runtime/agent-runtime.ts';
import { AGENT_JWKS_PATH, a2aEndpoint } from './endpoint.ts';

/**
 * Serves a local agent directly at `prefix` (its URL is `url`), without the
 * pipeline: every caller is anonymous and shares the tasks. For development,
 * tests and benchmarks; in the mesh, agents are reached through `/a2a/<name>`.
 */
export async function mountAgent(
  app: FastifyInstance,
  options: {
    prefix: string;
    url: string;
    runtime: AgentRuntime;
    signer: CardSigner;
    keys: AgentKeyStore;
    bodyLimit?: number;
  },
): Promise<void> {
  const { runtime } = options;
  const unsigned = buildAgentCard(runtime.agent, { url: options.url, pushNotifications: false });
  const endpoint = {
    handler: runtime,
    resolveContext: async (_request: unknown, version: '1.0' | '0.3') => ({
      owner: 'anonymous',
      caller: undefined,
      version,
    }),
    card: () => options.signer.sign(runtime.name, unsigned, `${options.url}${AGENT_JWKS_PATH}`),
    jwks: () => options.keys.publicKeys(runtime.name),
  };
  await app.register(a2aEndpoint, {
    prefix: options.prefix,
    resolve: async () => endpoint,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
}
