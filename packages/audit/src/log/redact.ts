/** What replaces anything that looks like a credential. */
export const REDACTED = '[redacted]';

const SECRET_KEY =
  /^(authorization|cookie|password|passwd|secret|token|api[-_]?key|client[-_]?secret|access[-_]?token|refresh[-_]?token|id[-_]?token|subject[-_]?token|actor[-_]?token|private[-_]?(key|jwk)|bearer|credential)s?$/i;

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // JWS / JWT compact serialization.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // HTTP authorization schemes.
  [/\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // `name=value` / `"name": "value"` where the name says it is a secret.
  [
    /\b((?:api[-_]?key|access[-_]?token|refresh[-_]?token|client[-_]?secret|password|passwd|secret|token)["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi,
    `$1${REDACTED}`,
  ],
  // Vendor-prefixed keys: sk-…, ghp_…, xoxb-…, AKIA…
  [/\b(?:sk|rk|pk|ghp|gho|ghs|ghu|github_pat|xox[abprs]|prl)[-_][A-Za-z0-9_-]{12,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
];

/** A long opaque run with letters of both cases and digits: a key, not a word or a hex digest. */
const OPAQUE = /[A-Za-z0-9_+/=-]{32,}/g;

function looksLikeKey(run: string): boolean {
  if (/^[0-9a-f]+$/.test(run)) return false; // digests, trace ids
  return /[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run);
}

/** Replaces anything in free text that resembles a token, key or password. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(OPAQUE, (run) => (looksLikeKey(run) ? REDACTED : run));
}

/** Redacts a JSON value: secret-named members entirely, every string by `redactText`. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 16 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && member !== null && member !== undefined ? REDACTED : redactValue(member, depth + 1);
  }
  return out;
}
