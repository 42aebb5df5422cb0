import { type AuditLog, entityName, type SpanStore, type StoredSpan, type TraceSummary } from '@parley/audit';
import { type Caller, type Clock, type EventBus, NotFoundError } from '@parley/core';
import type { PolicyService } from '@parley/policy';
import type { Store } from '@parley/store';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiCaller, authenticateApiCaller } from './api-caller.ts';
import { consoleAgentRoutes } from './console-agents.ts';
import { consoleEventRoutes } from './console-events.ts';
import { parseInput } from './parse-input.ts';

export interface ConsoleRoutesOptions {
  spans: SpanStore;
  store: Store;
  services: ReadonlyMap<string, unknown>;
  bus: EventBus;
  clock: Clock;
  /** The admin API's resource URL (`<base>/api`), the audience callers present. */
  resourceUrl: string;
}

const tracesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });
const traceParams = z.strictObject({ traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits') });
/** How many recent traces (administrators) or own audit entries (anyone else) a listing looks through. */
const SCAN = 500;

const PARTICIPANT_ATTRIBUTES = ['parley.principal', 'parley.on_behalf_of'];

/** Whether `caller` took part in a trace: as the principal of a hop, or the user a hop acted for. */
function tookPart(caller: Caller, spans: ReadonlyArray<Pick<StoredSpan, 'attributes'>>): boolean {
  const me = entityName(caller.principal);
  return spans.some((span) => PARTICIPANT_ATTRIBUTES.some((key) => span.attributes[key] === me));
}

/** Activity is what went through the pipeline (a decided hop), not the API reads around it. */
function isActivity(spans: ReadonlyArray<Pick<StoredSpan, 'attributes'>>): boolean {
  return spans.some((span) => typeof span.attributes['parley.action'] === 'string');
}

const isAdmin = (caller: Caller) => caller.roles.includes('admin');

/** What a trace did, in one line: its deepest delegated hop and how it was decided. */
export interface TraceHop {
  readonly action: string;
  readonly resource: string | null;
  readonly principal: string | null;
  readonly onBehalfOf: string | null;
  readonly actorChain: readonly string[];
  readonly decision: string | null;
  readonly approvalId: string | null;
}

function traceHop(spans: ReadonlyArray<Pick<StoredSpan, 'attributes'>>): TraceHop | null {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const chain = (span: Pick<StoredSpan, 'attributes'>) => {
    const value = span.attributes['parley.actor_chain'];
    return Array.isArray(value) ? value.map(String) : [];
  };
  const hops = spans.filter((span) => typeof span.attributes['parley.action'] === 'string');
  const deepest = [...hops].sort((a, b) => chain(b).length - chain(a).length)[0];
  if (!deepest) return null;
  const decided = [...hops].reverse().find((span) => text(span.attributes['parley.decision']) !== null);
  const a = deepest.attributes;
  return {
    action: String(a['parley.action']),
    resource: text(a['parley.resource']),
    principal: text(a['parley.principal']),
    onBehalfOf: text(a['parley.on_behalf_of']),
    actorChain: chain(deepest),
    decision: decided ? text(decided.attributes['parley.decision']) : null,
    approvalId: hops.map((span) => text(span.attributes['parley.approval.id'])).find((id) => id !== null) ?? null,
  };
}

async function attributesByTrace(
  store: Store,
  traceIds: readonly string[],
): Promise<Map<string, Array<Pick<StoredSpan, 'attributes'>>>> {
  const rows = await store.db
    .selectFrom('audit_spans')
    .select(['trace_id', 'attributes'])
    .where('trace_id', 'in', [...traceIds])
    .execute();
  const byTrace = new Map<string, Array<Pick<StoredSpan, 'attributes'>>>();
  for (const row of rows) {
    const list = byTrace.get(row.trace_id) ?? [];
    list.push({ attributes: JSON.parse(row.attributes) as Record<string, unknown> });
    byTrace.set(row.trace_id, list);
  }
  return byTrace;
}

/**
 * The console's own API: who the signed-in caller is; the activity they may
 * see — traces with at least one pipeline hop (not the API reads around
 * them): all of them for administrators, and for anyone else the ones they
 * took part in (as the principal of a hop or the user a hop acted for), so
 * people can follow what agents did on their behalf; the live approval
 * events they may read; and, for administrators, every agent of the mesh.
 */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleRoutesOptions): Promise<void> {
  const { spans, store } = options;
  app.addHook('preHandler', authenticateApiCaller(options.services, options.resourceUrl));

  app.get('/api/console/me', async (request) => {
    const caller = apiCaller(request);
    return {
      principal: caller.principal,
      roles: caller.roles,
      onBehalfOf: caller.onBehalfOf ?? null,
      expiresAt: caller.expiresAt ?? null,
    };
  });

  app.get('/api/console/traces', async (request) => {
    const caller = apiCaller(request);
    const { limit } = parseInput(tracesQuery, request.query);
    const recent = isAdmin(caller)
      ? await spans.listTraces({ limit: SCAN })
      : await spans.listTraces({ limit: SCAN, traceIds: await ownTraceIds(caller) });
    if (recent.length === 0) return { traces: [] };
    const byTrace = await attributesByTrace(
      store,
      recent.map((t) => t.traceId),
    );
    const visible: Array<TraceSummary & { hop: TraceHop | null }> = [];
    for (const trace of recent) {
      const hops = byTrace.get(trace.traceId) ?? [];
      if (!isActivity(hops) || !(isAdmin(caller) || tookPart(caller, hops))) continue;
      visible.push({ ...trace, hop: traceHop(hops) });
      if (visible.length === limit) break;
    }
    return { traces: visible };
  });

  /**
   * The traces a caller took part in, newest first, found through the audit
   * log's principal and on-behalf-of columns (however many other traces came
   * since), not by scanning recent traces.
   */
  const ownTraceIds = async (caller: Caller): Promise<string[]> => {
    const audit = options.services.get('audit') as AuditLog | undefined;
    if (!audit) return [];
    const entries = await audit.search({ principal: entityName(caller.principal), limit: SCAN });
    return [...new Set(entries.flatMap((entry) => (entry.traceId ? [entry.traceId] : [])))];
  };

  app.get('/api/console/traces/:traceId', async (request) => {
    const caller = apiCaller(request);
    const { traceId } = parseInput(traceParams, request.params);
    const found = await spans.getTrace(traceId);
    // Unknown and not-yours look the same, so trace ids cannot be probed.
    if (found.length === 0 || (!isAdmin(caller) && !tookPart(caller, found))) {
      throw new NotFoundError(`trace ${traceId}`);
    }
    return { traceId: traceId.toLowerCase(), spans: found };
  });

  consoleEventRoutes(app, {
    bus: options.bus,
    clock: options.clock,
    policy: () => options.services.get('policy') as PolicyService | undefined,
    resourceUrl: options.resourceUrl,
    callerOf: apiCaller,
  });
  consoleAgentRoutes(app, { services: options.services, callerOf: apiCaller });
}
