import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { PrincipalDirectory } from '../principals/directory.ts';
import { verifyPassword } from '../secrets/password.ts';
import { renderConsentPage, renderErrorPage, renderLoginPage } from './pages.ts';

const MAX_FORM_BYTES = 16 * 1024;

/**
 * Parley's own sign-in and consent pages for oidc-provider interactions.
 * Forms carry a CSRF token bound to the interaction (HMAC of its uid), on top
 * of the interaction cookie oidc-provider already binds to the browser.
 * @see https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#interactions
 */
export class InteractionPages {
  readonly #provider: () => Provider;
  readonly #directory: PrincipalDirectory;
  readonly #csrfSecret: string;

  constructor(provider: () => Provider, directory: PrincipalDirectory, csrfSecret: string) {
    this.#provider = provider;
    this.#directory = directory;
    this.#csrfSecret = csrfSecret;
  }

  /** Handles `/oauth/interaction/<uid>[/login|/consent|/abort]`; false when the path is not one of them. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const match = /^\/oauth\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|consent|abort))?$/.exec(path);
    if (!match?.[1]) return false;
    const uid = match[1];
    const step = match[2];
    const provider = this.#provider();
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      send(
        res,
        400,
        renderErrorPage('invalid_request', 'this sign-in has expired or belongs to another browser; start again'),
      );
      return true;
    }
    if (details.uid !== uid) {
      send(res, 400, renderErrorPage('invalid_request', 'this sign-in belongs to another request'));
      return true;
    }
    const client = await provider.Client.find(String(details.params.client_id));
    const clientName = String(client?.clientName ?? details.params.client_id);
    const csrf = this.#csrf(uid);
    if (step === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(res);
      if (details.prompt.name === 'login') send(res, 200, renderLoginPage({ uid, csrf, clientName }));
      else send(res, 200, this.#consentPage(details, uid, csrf, clientName));
      return true;
    }
    if (req.method !== 'POST') return methodNotAllowed(res);
    const form = await readForm(req);
    if (!form || !this.#csrfMatches(uid, form.get('csrf') ?? '')) {
      send(res, 403, renderErrorPage('access_denied', 'the form could not be verified; reload the page and try again'));
      return true;
    }
    if (step === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the user denied the request' },
        { mergeWithLastSubmission: false },
      );
      return true;
    }
    if (step === 'login') {
      const username = (form.get('username') ?? '').trim();
      const password = form.get('password') ?? '';
      const principal = this.#directory.principal(username);
      const hash =
        principal?.kind === 'user' && !principal.disabled ? await this.#directory.passwordHash(username) : null;
      if (!hash || !(await verifyPassword(password, hash))) {
        send(res, 401, renderLoginPage({ uid, csrf, clientName, username, error: 'Wrong username or password.' }));
        return true;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: username } },
        { mergeWithLastSubmission: false },
      );
      return true;
    }
    if (details.prompt.name !== 'consent' || !details.session?.accountId) {
      send(res, 400, renderErrorPage('invalid_request', 'nothing to consent to'));
      return true;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
    if (!grant) {
      send(res, 400, renderErrorPage('invalid_request', 'the grant expired; start again'));
      return true;
    }
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return true;
  }

  #consentPage(
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
    uid: string,
    csrf: string,
    clientName: string,
  ): string {
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    return renderConsentPage({
      uid,
      csrf,
      clientName,
      username: String(details.session?.accountId ?? ''),
      scopes: missing.missingOIDCScope ?? [],
      resources: Object.entries(missing.missingResourceScopes ?? {}).map(([url, scopes]) => ({ url, scopes })),
    });
  }

  #csrf(uid: string): string {
    return createHmac('sha256', this.#csrfSecret).update(uid).digest('base64url');
  }

  #csrfMatches(uid: string, presented: string): boolean {
    const expected = Buffer.from(this.#csrf(uid));
    const actual = Buffer.from(presented);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}

function methodNotAllowed(res: ServerResponse): true {
  send(res, 405, renderErrorPage('invalid_request', 'method not allowed'));
  return true;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
