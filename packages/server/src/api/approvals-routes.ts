import { ForbiddenError, NotFoundError } from '@parley/core';
import { type Approval, denyReason, type PolicyService } from '@parley/policy';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiCaller, authenticateApiCaller } from './api-caller.ts';
import { parseInput } from './parse-input.ts';

export interface ApprovalsRoutesOptions {
  policy: PolicyService;
  services: ReadonlyMap<string, unknown>;
  resourceUrl: string;
}

const listQuery = z.strictObject({
  state: z.enum(['pending', 'approved', 'denied', 'expired']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const idParams = z.strictObject({ id: z.string().min(1).max(200) });

/**
 * The approvals API. Each caller sees the approvals policy lets it read
 * (`approvals/read`); approving and denying are the Cedar actions `approve`
 * and `deny` on `Approval::"<id>"` (by the built-in policies: the
 * on-behalf-of user and administrators).
 * @see DESIGN.md "Approvals"
 */
export async function approvalsRoutes(app: FastifyInstance, options: ApprovalsRoutesOptions): Promise<void> {
  const { policy, resourceUrl } = options;
  app.addHook('preHandler', authenticateApiCaller(options.services, resourceUrl));

  const readable = async (request: Parameters<typeof apiCaller>[0], id: string): Promise<Approval> => {
    const approval = await policy.approvals.get(id);
    // Unknown and unreadable look the same, so ids cannot be probed.
    if (!approval || !policy.mayReadApproval(apiCaller(request), approval, resourceUrl)) {
      throw new NotFoundError(`approval ${id}`);
    }
    return approval;
  };

  app.get('/api/approvals', async (request) => {
    const caller = apiCaller(request);
    const query = parseInput(listQuery, request.query);
    const approvals = await policy.approvals.list({
      ...(query.state ? { state: query.state } : {}),
      limit: query.limit,
    });
    return { approvals: approvals.filter((approval) => policy.mayReadApproval(caller, approval, resourceUrl)) };
  });

  app.get('/api/approvals/:id', async (request) => {
    const { id } = parseInput(idParams, request.params);
    return readable(request, id);
  });

  for (const [verb, outcome] of [
    ['approve', 'approved'],
    ['deny', 'denied'],
  ] as const) {
    app.post(`/api/approvals/:id/${verb}`, async (request) => {
      const { id } = parseInput(idParams, request.params);
      await readable(request, id);
      const result = await policy.decideApproval(apiCaller(request), id, outcome, resourceUrl);
      if (result.code === 'own-request') {
        throw new ForbiddenError(
          `you may not ${verb} approval ${id} with the credential that asked for it: a person decides it, signed in to the console or the CLI`,
        );
      }
      if (result.code === 'forbidden') {
        const reason = result.decision.code === 'deny' ? denyReason(result.decision) : 'not permitted';
        throw new ForbiddenError(`you may not ${verb} approval ${id}: ${reason}`, result.decision.policies);
      }
      return result.approval;
    });
  }
}
