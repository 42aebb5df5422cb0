import { createGuardedFetch } from '@parley/core';
import type { MeshPart } from '../part.ts';

/** Loopback hosts `parley dev` may reach: its demo upstreams and agents live there. */
const DEV_LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/**
 * The guarded HTTP client (DESIGN.md, "Outbound safety") that every part uses
 * for URLs someone else supplied, from `outbound` config. Publishes `outbound`
 * (a GuardedFetch). In `dev` the loopback hosts are allowed as well, and
 * nothing else private.
 */
export const outboundPart: MeshPart = {
  name: 'outbound',
  async start(context) {
    const settings = context.config.outbound;
    const allowedHosts =
      context.mode === 'dev' ? [...new Set([...settings.allowedHosts, ...DEV_LOOPBACK])] : settings.allowedHosts;
    context.services.set(
      'outbound',
      createGuardedFetch({
        allowPrivateNetworks: settings.allowPrivateNetworks,
        allowedHosts,
        timeout: settings.timeout,
        maxBytes: settings.maxBytes,
        maxRedirects: settings.maxRedirects,
      }),
    );
    return undefined;
  },
};
