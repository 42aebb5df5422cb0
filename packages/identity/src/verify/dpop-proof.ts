import { createHash } from 'node:crypto';
import type { Clock } from '@parley/core';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { TokenRejectedError } from '../errors.ts';
import type { ProofReplayCache } from '../store/dpop-proof-replay.ts';

const PROOF_WINDOW_SECONDS = 60;
const DPOP_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256', 'ES384'];

/**
 * Checks RFC 9449 proofs at the resource: signed by the bound key, for this
 * method and URL, fresh, not replayed, and hashing the presented token.
 * Replay detection remembers each proof's jti in this process and, when given
 * a shared cache, across replicas.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export class DpopProofVerifier {
  readonly #clock: Clock;
  readonly #seen = new Map<string, number>();
  readonly #shared: ProofReplayCache | undefined;

  constructor(clock: Clock, shared?: ProofReplayCache) {
    this.#clock = clock;
    this.#shared = shared;
  }

  /**
   * Verifies a proof for `request`; with `binding`, also that it is signed by
   * the bound key and hashes the access token. Returns the key's thumbprint.
   */
  async verify(
    proof: string,
    request: { method: string; url: string },
    binding?: { accessToken: string; jkt: string },
  ): Promise<string> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch (error) {
      throw invalid('the DPoP proof is not a JWT', error);
    }
    if (header.typ !== 'dpop+jwt') throw invalid('the DPoP proof has the wrong typ');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(proof, EmbeddedJWK, { algorithms: DPOP_ALGS, typ: 'dpop+jwt' }));
    } catch (error) {
      throw invalid('the DPoP proof signature is invalid', error);
    }
    const thumbprint = header.jwk ? await calculateJwkThumbprint(header.jwk) : undefined;
    if (!thumbprint) throw invalid('the DPoP proof carries no public key');
    if (binding && thumbprint !== binding.jkt) {
      throw invalid('the DPoP proof is signed by a key the token is not bound to');
    }
    if (payload.htm !== request.method.toUpperCase()) throw invalid('the DPoP proof is for another method');
    if (typeof payload.htu !== 'string' || stripUrl(payload.htu) !== stripUrl(request.url)) {
      throw invalid('the DPoP proof is for another URL');
    }
    const now = Math.floor(this.#clock.now() / 1000);
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > PROOF_WINDOW_SECONDS) {
      throw invalid('the DPoP proof is not fresh');
    }
    if (binding && payload.ath !== createHash('sha256').update(binding.accessToken).digest('base64url')) {
      throw invalid('the DPoP proof does not hash this access token');
    }
    if (typeof payload.jti !== 'string' || payload.jti.length === 0) throw invalid('the DPoP proof has no jti');
    this.#sweep(now);
    const key = `${thumbprint}:${payload.jti}`;
    if (this.#seen.has(key)) throw invalid('the DPoP proof was already used');
    const until = payload.iat + PROOF_WINDOW_SECONDS;
    this.#seen.set(key, until);
    if (this.#shared && !(await this.#shared.firstUse(key, (until + PROOF_WINDOW_SECONDS) * 1000))) {
      throw invalid('the DPoP proof was already used');
    }
    return thumbprint;
  }

  #sweep(now: number): void {
    if (this.#seen.size < 10_000) return;
    for (const [key, until] of this.#seen) if (until < now) this.#seen.delete(key);
  }
}

function invalid(message: string, cause?: unknown): TokenRejectedError {
  return new TokenRejectedError('ERR_AUTH_INVALID_DPOP_PROOF', message, cause);
}

function stripUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.toLowerCase();
  } catch {
    return url;
  }
}
