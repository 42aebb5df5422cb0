import type { ProtocolVersion } from '../bindings/a2a-handler.ts';
import { A2AError } from './errors.ts';

/** The header naming the protocol version a client speaks. */
export const A2A_VERSION_HEADER = 'a2a-version';

/**
 * Negotiates the version from the `A2A-Version` header: `1.0` (and `1.0.x`)
 * is native, `0.3` (and an absent header from a client using 0.3 method
 * names) is converted at the edge, anything else is VersionNotSupportedError.
 * An absent header with 1.0 method names is treated as 1.0, so simple clients
 * (curl) need not send it.
 * @see https://a2a-protocol.org/v1.0.0/specification/#326-service-parameters
 */
export function negotiateVersion(header: string | string[] | undefined, legacyShape: boolean): ProtocolVersion {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return legacyShape ? '0.3' : '1.0';
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(value);
  if (match?.[1] === '1' && match[2] === '0') return '1.0';
  if (match?.[1] === '0' && match[2] === '3') return '0.3';
  throw new A2AError(
    'VersionNotSupportedError',
    `A2A version ${value.slice(0, 20)} is not supported (use 1.0 or 0.3)`,
    {
      metadata: { supportedVersions: '1.0,0.3' },
    },
  );
}
