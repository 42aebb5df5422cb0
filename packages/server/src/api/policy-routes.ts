import { type Clock, NotFoundError } from '@parley/core';
import {
  compilePolicies,
  explainInputSchema,
  PolicyInvalidError,
  type PolicyService,
  storeSourceName,
  toDecisionRequest,
} from '@parley/policy';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { apiCaller, authenticateApiCaller } from './api-caller.ts';
import { parseInput } from './parse-input.ts';
import { requireAllowed } from './policy-auth.ts';

export interface PolicyRoutesOptions {
  policy: PolicyService;
  clock: Clock;
  services: ReadonlyMap<string, unknown>;
  /** The admin API's resource URL (`<base>/api`), the audience callers present. */
  resourceUrl: string;
}

const documentName = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be letters, digits, dots, dashes, underscores'),
});
const documentBody = z.strictObject({ text: z.string().max(1_000_000) });
const validateBody = z.strictObject({ text: z.string().max(1_000_000), name: z.string().optional() });

function sendInvalid(reply: FastifyReply, error: PolicyInvalidError) {
  return reply
    .status(400)
    .send({ error: { code: error.code, message: error.publicMessage, problems: error.problems } });
}

/**
 * The policy API: the set in force, stored policy documents (validated before
 * they are stored, hot reloaded everywhere), validation, and the decision
 * explainer. Reading needs `policies/read`, changing `policies/write`
 * (administrators, by the built-in policies).
 */
export async function policyRoutes(app: FastifyInstance, options: PolicyRoutesOptions): Promise<void> {
  const { policy, resourceUrl } = options;
  const may = (caller: Parameters<PolicyService['authorizeAdmin']>[0], action: 'policies/read' | 'policies/write') =>
    requireAllowed(policy.authorizeAdmin(caller, action, resourceUrl), action);

  app.addHook('preHandler', authenticateApiCaller(options.services, resourceUrl));

  app.get('/api/policies', async (request) => {
    may(apiCaller(request), 'policies/read');
    return {
      policies: policy.engine.policies.map(({ id, effect, source, line, annotations, text }) => ({
        id,
        effect,
        source,
        line,
        annotations,
        text,
      })),
      documents: (await policy.policySet.documents()).map(({ text: _text, ...rest }) => rest),
      problems: policy.policySet.problems,
    };
  });

  app.get('/api/policies/:name', async (request) => {
    may(apiCaller(request), 'policies/read');
    const { name } = parseInput(documentName, request.params);
    const document = await policy.policySet.document(name);
    if (!document) throw new NotFoundError(`policy document ${name}`);
    return document;
  });

  app.put('/api/policies/:name', async (request, reply) => {
    const caller = apiCaller(request);
    may(caller, 'policies/write');
    const { name } = parseInput(documentName, request.params);
    const { text } = parseInput(documentBody, request.body);
    try {
      const { created } = await policy.policySet.putDocument(
        name,
        text,
        `${caller.principal.type}::"${caller.principal.id}"`,
      );
      return reply.status(created ? 201 : 200).send({ name, created, policies: policy.engine.policies.length });
    } catch (error) {
      if (error instanceof PolicyInvalidError) return sendInvalid(reply, error);
      throw error;
    }
  });

  app.delete('/api/policies/:name', async (request, reply) => {
    may(apiCaller(request), 'policies/write');
    const { name } = parseInput(documentName, request.params);
    try {
      await policy.policySet.deleteDocument(name);
      return reply.status(204).send();
    } catch (error) {
      if (error instanceof PolicyInvalidError) return sendInvalid(reply, error);
      throw error;
    }
  });

  app.post('/api/policies/validate', async (request) => {
    may(apiCaller(request), 'policies/read');
    const { text, name } = parseInput(validateBody, request.body);
    const result = name
      ? await policy.policySet.check({ name, text })
      : compilePolicies([{ name: storeSourceName('(candidate)'), text }]);
    return result.code === 'ok'
      ? { ok: true, policies: result.policies.map((p) => p.id), problems: [] }
      : { ok: false, problems: result.problems };
  });

  app.post('/api/policy/explain', async (request) => {
    may(apiCaller(request), 'policies/read');
    const input = parseInput(explainInputSchema, request.body);
    return policy.explain(toDecisionRequest(input, options.clock.now()));
  });
}
