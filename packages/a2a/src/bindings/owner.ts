import type { Caller } from '@parley/core';

/**
 * The owner key of a caller's tasks: the authenticated principal, plus the
 * user it acts for when that is someone else. Two callers share tasks only
 * when both match.
 * @see https://a2a-protocol.org/v1.0.0/specification/#71-task-ownership
 */
export function ownerOf(caller: Caller | undefined): string {
  if (!caller) return 'anonymous';
  const principal = `${caller.principal.type}::${caller.principal.id}`;
  const user = caller.onBehalfOf;
  if (!user || (user.type === caller.principal.type && user.id === caller.principal.id)) return principal;
  return `${principal}|${user.type}::${user.id}`;
}
