import { ApprovalService, PolicyDocuments, PolicyService, PolicySet } from '@parley/policy';
import { approvalsRoutes } from '../../api/approvals-routes.ts';
import { policyRoutes } from '../../api/policy-routes.ts';
import type { MeshPart } from '../part.ts';

/**
 * Policy: the Cedar policy set (built-in, demo in dev, `policy.files`, stored
 * documents) with hot reload, decisions, and approvals. Publishes `policy`
 * (PolicyService: decide, permitted, explain, waitForApproval,
 * consumeApproval) and `approvals` (ApprovalService).
 */
export const policyPart: MeshPart = {
  name: 'policy',
  async start(context) {
    const { config, store, bus, clock, logger, app, services } = context;
    const policySet = new PolicySet({
      files: config.policy.files,
      demo: context.mode === 'dev',
      documents: new PolicyDocuments(store, clock),
      bus,
      logger,
    });
    await policySet.start();
    const approvals = new ApprovalService({
      store,
      bus,
      clock,
      logger,
      ttlMs: config.policy.approvalTtl,
      baseUrl: context.baseUrl,
    });
    await approvals.start();
    const policy = new PolicyService({ policySet, approvals, clock });
    const resourceUrl = `${context.baseUrl}/api`;
    void app.register(policyRoutes, { policy, clock, services, resourceUrl });
    void app.register(approvalsRoutes, { policy, services, resourceUrl });
    services.set('policy', policy);
    services.set('approvals', approvals);
    return {
      banner: [{ label: 'Policies', value: `${policySet.engine.policies.length} in force` }],
      async stop() {
        await approvals.stop();
        await policySet.stop();
      },
    };
  },
};
