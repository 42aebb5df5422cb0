import type { MeshPart } from './part.ts';
import { a2aPart } from './parts/a2a.ts';
import { agentKeysPart } from './parts/agent-keys.ts';
import { agentsPart } from './parts/agents.ts';
import { auditPart } from './parts/audit.ts';
import { consolePart } from './parts/console.ts';
import { delegatePart } from './parts/delegate.ts';
import { identityPart } from './parts/identity.ts';
import { mcpPart } from './parts/mcp.ts';
import { outboundPart } from './parts/outbound.ts';
import { pipelinePart } from './parts/pipeline.ts';
import { policyPart } from './parts/policy.ts';

/**
 * The parts, in start order: each may use services published by the ones
 * before it.
 */
export const parts: readonly MeshPart[] = [
  outboundPart,
  identityPart,
  policyPart,
  auditPart,
  pipelinePart,
  mcpPart,
  agentsPart,
  agentKeysPart,
  a2aPart,
  delegatePart,
  consolePart,
];
