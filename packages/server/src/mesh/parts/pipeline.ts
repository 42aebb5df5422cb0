import type { AuditLog, MeshMetrics } from '@parley/audit';
import type { IdentityService } from '@parley/identity';
import type { PolicyService } from '@parley/policy';
import { MeshPipeline } from '../../pipeline/mesh-pipeline.ts';
import type { MeshContext, MeshPart } from '../part.ts';

/** The OAuth client the gateway acts as when it exchanges a caller's token for an upstream. */
export const GATEWAY_AGENT = 'parley-gateway';

/**
 * Composes identity, policy and audit into the request pipeline the front
 * doors share, and publishes it as `pipeline`. Starts after those three.
 */
export const pipelinePart: MeshPart = {
  name: 'pipeline',
  async start(context) {
    const identity = required<IdentityService>(context, 'identity');
    if (!identity.directory.principal(GATEWAY_AGENT)) {
      await identity.createAgent({ name: GATEWAY_AGENT, authMethod: 'client_secret_basic' });
    }
    const pipeline = new MeshPipeline({
      identity,
      policy: required<PolicyService>(context, 'policy'),
      audit: required<AuditLog>(context, 'audit'),
      metrics: required<MeshMetrics>(context, 'metrics'),
      defaultActor: GATEWAY_AGENT,
    });
    context.services.set('pipeline', pipeline);
    return undefined;
  },
};

function required<T>(context: MeshContext, key: string): T {
  const service = context.services.get(key);
  if (service === undefined) throw new Error(`the pipeline needs the ${key} service, which no earlier part published`);
  return service as T;
}
