import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { ConfigError } from '../errors/parley-error.ts';
import { type AllowedHosts, parseAllowedHosts } from './allowed-hosts.ts';

/** The schemes the guarded client can speak. */
export type OutboundScheme = 'http' | 'https';

/** `dns.lookup` as the guarded client calls it: every address, in resolver order. */
export type OutboundLookup = (
  hostname: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * How the guarded client treats URLs supplied by others. The first five fields
 * mirror the `outbound` config section, so a loaded config can be passed as is.
 * @see DESIGN.md, "Outbound safety"
 */
export interface GuardedFetchOptions {
  /** Allow private, loopback, link-local and other non-public targets (development only). */
  readonly allowPrivateNetworks?: boolean;
  /** Host names or host:port exempt from the non-public address refusal. */
  readonly allowedHosts?: readonly string[];
  /** Total time for one fetch, redirects included, in ms (default 10 s); for a streamed body, up to its head. */
  readonly timeout?: number;
  /** Largest response body, on the wire and decoded (default 1 MiB). Streamed bodies have their own cap. */
  readonly maxBytes?: number;
  /** Redirects followed before giving up (default 5). */
  readonly maxRedirects?: number;
  /** Schemes that may be fetched at all (default http and https). */
  readonly allowedSchemes?: readonly OutboundScheme[];
  /**
   * Allow plain http to public addresses. Defaults to true so development
   * setups work; production deployments should set it to false so that only
   * non-public (explicitly allowed) targets are reached without TLS.
   */
  readonly allowHttp?: boolean;
  /**
   * For streamed bodies, which `timeout` covers only up to the response head:
   * how long no body bytes may move before the stream fails, in milliseconds
   * (default 5 min). Bytes stop moving when the server is silent, and also
   * when the consumer stops reading (the socket is paused meanwhile).
   */
  readonly streamIdleTimeout?: number;
  /**
   * Largest streamed body, on the wire and decoded. Default: no cap, since a
   * long-lived stream (SSE) grows without end; its memory is bounded by
   * backpressure instead, and a stalled one by `streamIdleTimeout`.
   */
  readonly maxStreamBytes?: number;
  /** Resolver to use instead of `dns.lookup` (tests inject one). */
  readonly lookup?: OutboundLookup;
  /** `User-Agent` sent when the caller sets none. */
  readonly userAgent?: string;
}

/** The options with defaults filled in and checked. */
export interface OutboundPolicy {
  readonly allowPrivateNetworks: boolean;
  readonly allowedHosts: AllowedHosts;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly idleTimeoutMs: number;
  /** `Infinity` when streams are not capped. */
  readonly maxStreamBytes: number;
  /** As URL protocols: `https:`. */
  readonly allowedSchemes: ReadonlySet<string>;
  readonly allowHttp: boolean;
  readonly lookup: OutboundLookup;
  readonly userAgent: string;
}

export const DEFAULT_USER_AGENT = 'Parley';

export function resolvePolicy(options: GuardedFetchOptions): OutboundPolicy {
  return {
    allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    allowedHosts: parseAllowedHosts(options.allowedHosts ?? []),
    timeoutMs: positiveInteger('timeout', options.timeout ?? 10_000),
    maxBytes: positiveInteger('maxBytes', options.maxBytes ?? 1_048_576),
    maxRedirects: nonNegativeInteger('maxRedirects', options.maxRedirects ?? 5),
    idleTimeoutMs: positiveInteger('streamIdleTimeout', options.streamIdleTimeout ?? 300_000),
    maxStreamBytes:
      options.maxStreamBytes === undefined ? Infinity : positiveInteger('maxStreamBytes', options.maxStreamBytes),
    allowedSchemes: new Set((options.allowedSchemes ?? ['http', 'https']).map((scheme) => `${scheme}:`)),
    allowHttp: options.allowHttp ?? true,
    lookup: options.lookup ?? dnsLookup,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
  };
}

function positiveInteger(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw invalid(name, 'must be a positive integer');
}

function nonNegativeInteger(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value >= 0) return value;
  throw invalid(name, 'must be a non-negative integer');
}

function invalid(name: string, message: string): ConfigError {
  const path = `outbound.${name}`;
  return new ConfigError(`${path} ${message}`, [{ path, message }]);
}
