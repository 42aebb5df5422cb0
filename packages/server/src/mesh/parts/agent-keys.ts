import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentKeyIdentity, StoredAgentKeyStore } from '@parley/a2a';
import { DEV_CREDENTIALS_FILE, type IdentityService } from '@parley/identity';
import type { MeshPart } from '../part.ts';

type JWK = Awaited<ReturnType<AgentKeyIdentity['renewKey']>>;

/**
 * The signing keys of hosted agents and of Parley's own A2A keys
 * (`parley-proxy`, `parley-push`), kept in the store so card signatures and
 * the push JWKS survive restarts. A hosted agent that is an identity agent
 * with private_key_jwt signs with its OAuth client's key. Publishes
 * `agentKeys` (an AgentKeyStore); starts before the a2a part.
 */
export const agentKeysPart: MeshPart = {
  name: 'agent-keys',
  async start(context) {
    const identity = context.services.get('identity') as IdentityService | undefined;
    const keys = new StoredAgentKeyStore({
      store: context.store,
      clock: context.clock,
      logger: context.logger.child({ part: 'agent-keys' }),
      identity: identity ? identityKeys(identity, context.mode === 'dev' ? context.dataDir : undefined) : undefined,
    });
    context.services.set('agentKeys', keys);
    return undefined;
  },
};

/**
 * Agent keys through identity. In `dev` the seed has just written the demo
 * agents' private keys to the credentials file: those are adopted rather than
 * renewed, so the file keeps working for the same agents.
 */
function identityKeys(identity: IdentityService, devDataDir: string | undefined): AgentKeyIdentity {
  let devKeys: Map<string, JWK> | undefined;
  return {
    async registeredKeys(name) {
      if (identity.directory.principal(name)?.kind !== 'agent') return undefined;
      const keys = await identity.agentPublicJwks(name);
      return keys.length > 0 ? keys : undefined;
    },
    knownPrivateKey(name) {
      if (!devDataDir) return undefined;
      devKeys ??= readDevAgentKeys(join(devDataDir, DEV_CREDENTIALS_FILE));
      return devKeys.get(name);
    },
    renewKey: (name) => identity.renewAgentKey(name),
  };
}

function readDevAgentKeys(path: string): Map<string, JWK> {
  const keys = new Map<string, JWK>();
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as { agents?: Array<{ name?: unknown; privateJwk?: unknown }> };
    for (const agent of file.agents ?? []) {
      if (typeof agent.name === 'string' && agent.privateJwk && typeof agent.privateJwk === 'object') {
        keys.set(agent.name, agent.privateJwk as JWK);
      }
    }
  } catch {
    // no credentials file: nothing to adopt
  }
  return keys;
}
