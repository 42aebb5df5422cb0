import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress } from '@parley/core';
import { A2AError } from '../wire/errors.ts';

export interface WebhookPolicy {
  readonly allowPrivateNetworks: boolean;
  /** Host names or host:port exempt from the non-public refusal (as `outbound.allowedHosts`). */
  readonly allowedHosts: readonly string[];
}

/**
 * Refuses a webhook URL that resolves to a non-public address (unless
 * allowed), when the config is created; the guarded client checks again at
 * every delivery, pinned to the address it dials.
 * @see DESIGN.md, "Outbound safety"
 */
export async function checkWebhookUrl(url: string, policy: WebhookPolicy): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new A2AError('InvalidParamsError', 'webhook URL must be http(s)');
  }
  if (parsed.username || parsed.password)
    throw new A2AError('InvalidParamsError', 'webhook URL must not hold credentials');
  if (policy.allowPrivateNetworks) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (policy.allowedHosts.some((entry) => entry === host || entry === parsed.host)) return;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    throw new A2AError('InvalidParamsError', `webhook host ${host.slice(0, 100)} does not resolve`);
  }
  const refused = addresses.find((address) => classifyAddress(address) !== 'public');
  if (refused !== undefined) {
    throw new A2AError(
      'InvalidParamsError',
      `webhook URL points to a ${classifyAddress(refused)} address, which is refused`,
    );
  }
}
