import type { LookupAddress } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** Distinct pinned targets kept pooled; the oldest is dropped (and its idle sockets closed) beyond this. */
const MAX_AGENTS = 256;

const agents = new Map<string, HttpAgent>();

/**
 * A keep-alive agent for one vetted target. Agents are keyed by the pinned
 * addresses, port and TLS server name (Node keys sockets inside an agent by
 * host name only), so a reused socket always leads to an address that was
 * vetted for this very request; a rebound DNS answer gets a fresh agent.
 */
export function pinnedAgent(
  secure: boolean,
  addresses: readonly LookupAddress[],
  port: number,
  servername: string | undefined,
): HttpAgent {
  const key = `${secure ? 'https' : 'http'}|${port}|${servername ?? ''}|${addresses
    .map(({ address, family }) => `${family}/${address}`)
    .join(',')}`;
  let agent = agents.get(key);
  if (agent) {
    // Re-inserting keeps the map in least-recently-used order.
    agents.delete(key);
    agents.set(key, agent);
    return agent;
  }
  agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  agents.set(key, agent);
  if (agents.size > MAX_AGENTS) {
    const [oldestKey, oldest] = agents.entries().next().value as [string, HttpAgent];
    agents.delete(oldestKey);
    // Requests in flight keep their sockets; only the idle ones go now.
    for (const sockets of Object.values(oldest.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }
  return agent;
}
