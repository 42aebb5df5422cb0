import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { OutboundError } from '../errors/parley-error.ts';
import { classifyAddress } from './address-class.ts';
import { abortable } from './deadline.ts';
import type { OutboundLookup, OutboundPolicy } from './outbound-policy.ts';

/** A URL that passed every check, with the addresses the connection is pinned to. */
export interface VettedTarget {
  readonly url: URL;
  /** The host name as written in the URL, IPv6 without brackets. */
  readonly hostname: string;
  readonly port: number;
  readonly addresses: readonly LookupAddress[];
}

/**
 * Runs the outbound checks on one hop: scheme, credentials, resolution (once),
 * address class, plain-http. Messages name only the origin: paths and query
 * strings may carry tokens (webhook URLs often do).
 */
export async function vetTarget(url: URL, policy: OutboundPolicy, signal: AbortSignal): Promise<VettedTarget> {
  schemeCheck(url, policy);
  credentialsCheck(url);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const addresses = await resolveHost(hostname, url, policy.lookup, signal);
  const exempt = policy.allowPrivateNetworks || policy.allowedHosts.permits(hostname, port);
  if (!exempt) addressCheck(url, addresses);
  plainHttpCheck(url, addresses, policy);
  return { url, hostname, port, addresses };
}

function schemeCheck(url: URL, policy: OutboundPolicy): void {
  if (!policy.allowedSchemes.has(url.protocol)) {
    throw new OutboundError('ERR_OUTBOUND_SCHEME', `scheme ${url.protocol} is not allowed for outbound requests`);
  }
}

function credentialsCheck(url: URL): void {
  if (url.username !== '' || url.password !== '') {
    throw new OutboundError('ERR_OUTBOUND_URL', `refused ${url.origin}: URL must not carry credentials`);
  }
}

async function resolveHost(
  hostname: string,
  url: URL,
  lookup: OutboundLookup,
  signal: AbortSignal,
): Promise<readonly LookupAddress[]> {
  const family = isIP(hostname);
  if (family !== 0) return [{ address: hostname, family }];
  let addresses: LookupAddress[];
  try {
    addresses = await abortable(
      new Promise<LookupAddress[]>((resolve, reject) =>
        lookup(hostname, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
      ),
      signal,
    );
  } catch (err) {
    if (signal.aborted) throw err;
    throw new OutboundError('ERR_OUTBOUND_DNS', `could not resolve ${url.origin}`, err);
  }
  if (addresses.length === 0 || addresses.some(({ address }) => isIP(address) === 0)) {
    throw new OutboundError('ERR_OUTBOUND_DNS', `could not resolve ${url.origin}`);
  }
  return addresses.map(({ address, family: addressFamily }) => ({ address, family: addressFamily }));
}

// Every answer must be public: the caller can't know which one a connection would use.
function addressCheck(url: URL, addresses: readonly LookupAddress[]): void {
  for (const { address } of addresses) {
    const addressClass = classifyAddress(address);
    if (addressClass !== 'public') {
      // The address itself stays out of the message: it would map internal networks for whoever supplied the URL.
      throw new OutboundError(
        'ERR_OUTBOUND_PRIVATE_ADDRESS',
        `refused ${url.origin}: resolves to a ${addressClass} address`,
      );
    }
  }
}

function plainHttpCheck(url: URL, addresses: readonly LookupAddress[], policy: OutboundPolicy): void {
  if (url.protocol !== 'http:' || policy.allowHttp) return;
  if (addresses.some(({ address }) => classifyAddress(address) === 'public')) {
    throw new OutboundError('ERR_OUTBOUND_SCHEME', `refused ${url.origin}: plain http to a public address`);
  }
}
