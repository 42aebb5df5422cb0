import { base64url, decodeProtectedHeader, FlattenedSign, flattenedVerify, importJWK, type JWK } from 'jose';
import { A2AError } from '../wire/errors.ts';
import type { AgentCard } from '../wire/schemas/agent-card.ts';
import { canonicalCardPayload } from './canonical-card.ts';
import type { SigningKey } from './key-store.ts';

/**
 * Signs a card: a JWS (flattened, payload detached) over the canonical card,
 * protected header `{alg, kid, typ: "JOSE"}`, appended to `signatures`.
 * @see https://a2a-protocol.org/v1.0.0/specification/#844-agent-card-signing
 * @see https://www.rfc-editor.org/rfc/rfc7515#appendix-F
 */
export async function signAgentCard(card: AgentCard, key: SigningKey, jku?: string): Promise<AgentCard> {
  const alg = key.alg ?? key.privateJwk.alg ?? 'ES256';
  const privateKey = await importJWK(key.privateJwk, alg);
  const payload = new TextEncoder().encode(canonicalCardPayload(card));
  const jws = await new FlattenedSign(payload)
    .setProtectedHeader({ alg, kid: key.kid, typ: 'JOSE', ...(jku ? { jku } : {}) })
    .sign(privateKey);
  const { signatures: _previous, ...unsigned } = card;
  return { ...unsigned, signatures: [{ protected: jws.protected ?? '', signature: jws.signature }] };
}

/** Why a card failed verification, as data. */
export type CardVerification =
  | { readonly ok: true; readonly kid: string }
  | { readonly ok: false; readonly code: 'unsigned' | 'unknown-key' | 'bad-signature'; readonly message: string };

/**
 * Verifies a card's signatures against `keys` (by `kid`): ok when at least one
 * signature verifies over the canonical card.
 * @see https://a2a-protocol.org/v1.0.0/specification/#845-signature-verification
 */
export async function verifyAgentCard(card: AgentCard, keys: readonly JWK[]): Promise<CardVerification> {
  const signatures = card.signatures ?? [];
  if (signatures.length === 0) return { ok: false, code: 'unsigned', message: 'the card is not signed' };
  const payload = base64url.encode(new TextEncoder().encode(canonicalCardPayload(card)));
  let sawKnownKey = false;
  for (const signature of signatures) {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader({ protected: signature.protected, payload, signature: signature.signature });
    } catch {
      continue;
    }
    const jwk =
      keys.find((key) => key.kid === header.kid) ?? (keys.length === 1 && !keys[0]?.kid ? keys[0] : undefined);
    if (!jwk || typeof header.alg !== 'string') continue;
    sawKnownKey = true;
    try {
      const key = await importJWK(jwk, header.alg);
      await flattenedVerify({ protected: signature.protected, payload, signature: signature.signature }, key);
      return { ok: true, kid: String(header.kid ?? jwk.kid ?? '') };
    } catch {
      // try the next signature
    }
  }
  return sawKnownKey
    ? { ok: false, code: 'bad-signature', message: 'no signature on the card verifies' }
    : { ok: false, code: 'unknown-key', message: 'the card is signed with a key not registered for this agent' };
}

/** The `kid`s a card's signatures name. */
export function signatureKids(card: AgentCard): string[] {
  const kids: string[] = [];
  for (const signature of card.signatures ?? []) {
    try {
      const header = decodeProtectedHeader({
        protected: signature.protected,
        payload: '',
        signature: signature.signature,
      });
      if (typeof header.kid === 'string') kids.push(header.kid);
    } catch {
      // unreadable header: no kid
    }
  }
  return kids;
}

/** Throws InvalidAgentResponseError unless the verification succeeded. */
export function assertVerified(result: CardVerification, agent: string): void {
  if (!result.ok) throw new A2AError('InvalidAgentResponseError', `agent card of ${agent}: ${result.message}`);
}
