import type { MeshPart } from './part.ts';

/**
 * The parts, in start order: each may use services published by the ones
 * before it. Later issues add identity, policy, audit, mcp, a2a, orchestrator.
 */
export const parts: readonly MeshPart[] = [];
