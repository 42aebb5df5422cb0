import { randomBytes } from 'node:crypto';

const REPLICA_ID = /^[A-Za-z0-9_-]{12}$/;

/**
 * How long a replica holding something a request is relayed to (an input
 * flow, a session) has to take the request before it counts as gone.
 */
export const RELAY_TAKE_MS = 2_000;

/**
 * A new id for this gateway process. It prefixes the ids of what the process
 * holds for a caller (input flows, 2025-11-25 sessions), so another replica
 * knows where to relay a request for them.
 */
export function newReplicaId(): string {
  return randomBytes(9).toString('base64url');
}

/** The replica part of an id this gateway gave out, if well-formed: the caller sends it back, so it is checked. */
export function replicaOf(id: string): string | undefined {
  const replica = id.split('.', 1)[0] ?? '';
  return id.length > replica.length && REPLICA_ID.test(replica) ? replica : undefined;
}
