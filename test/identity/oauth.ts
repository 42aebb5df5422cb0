import { importJWK, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';

/** oauth4webapi options for a plain-http authorization server on 127.0.0.1. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The authorization server's metadata, by RFC 8414 discovery. */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const response = await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure });
  return oauth.processDiscoveryResponse(url, response);
}

/** A cookie jar just good enough for one browser session against one origin. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const cut = pair?.indexOf('=') ?? -1;
      if (!pair || cut <= 0) continue;
      const name = pair.slice(0, cut).trim();
      const value = pair.slice(cut + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A browser: follows redirects on the issuer's origin by hand, keeping cookies; stops at any other URL. */
export class Browser {
  readonly jar = new CookieJar();
  readonly #origin: string;
  constructor(origin: string) {
    this.#origin = new URL(origin).origin;
  }

  async go(url: string, init: RequestInit = {}): Promise<{ url: string; response: Response; body: string }> {
    let current = url;
    let request = init;
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(current, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: this.jar.header() },
      });
      this.jar.store(response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current).href;
        await response.arrayBuffer();
        if (new URL(next).origin !== this.#origin) return { url: next, response, body: '' };
        current = next;
        request = {};
        continue;
      }
      return { url: current, response, body: await response.text() };
    }
    throw new Error('too many redirects');
  }

  /** Submits the page's form whose action ends with `step`, with `fields` plus its hidden inputs. */
  async submit(page: { url: string; body: string }, step: string, fields: Record<string, string> = {}) {
    const form = [...page.body.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].find((m) =>
      m[1]?.endsWith(`/${step}`),
    );
    if (!form?.[1]) throw new Error(`no ${step} form on ${page.url}:\n${page.body}`);
    const hidden = Object.fromEntries(
      [...(form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
    );
    return this.go(new URL(form[1], page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, ...fields }).toString(),
    });
  }
}

/** Authenticates as an agent by private_key_jwt with its private JWK. */
export async function privateKeyJwt(privateJwk: JWK): Promise<oauth.ClientAuth> {
  const key = (await importJWK(privateJwk, privateJwk.alg ?? 'ES256')) as CryptoKey;
  return oauth.PrivateKeyJwt({ key, kid: privateJwk.kid ?? '' });
}

/** An RFC 8693 token exchange request (with `options.DPoP`, carrying an RFC 9449 proof). */
export function tokenExchangeRequest(
  as: oauth.AuthorizationServer,
  clientId: string,
  auth: oauth.ClientAuth,
  params: { subjectToken: string; subjectTokenType?: string; resource: string; scope?: string },
  options: oauth.TokenEndpointRequestOptions = {},
): Promise<Response> {
  return oauth.genericTokenEndpointRequest(
    as,
    { client_id: clientId },
    auth,
    'urn:ietf:params:oauth:grant-type:token-exchange',
    {
      subject_token: params.subjectToken,
      subject_token_type: params.subjectTokenType ?? 'urn:ietf:params:oauth:token-type:access_token',
      resource: params.resource,
      ...(params.scope ? { scope: params.scope } : {}),
    },
    { ...insecure, ...options },
  );
}

/** Decodes a JWT's payload without verifying it (tests inspect claims). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The OAuth error code of a failed token endpoint response. */
export async function oauthError(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: string };
  return body.error ?? `status ${response.status}`;
}

/** Enters the user code on the verification page, confirms it, signs in as alice and consents. */
export async function approveDevice(
  browser: Browser,
  verificationUri: string,
  userCode: string,
  password: string,
): Promise<string> {
  const entry = await browser.go(verificationUri);
  expect(entry.body).toContain('Connect a device');
  const confirm = await browser.submit(entry, 'device', { user_code: userCode });
  expect(confirm.body).toContain('Parley CLI');
  expect(confirm.body).toContain(userCode);
  const login = await browser.submit(confirm, 'device', { confirm: 'yes' });
  expect(login.body).toContain('<label for="username">Username</label>');
  const consent = await browser.submit(login, 'login', { username: 'alice', password });
  const done = consent.body.includes('/consent"') ? await browser.submit(consent, 'consent') : consent;
  return done.body;
}

/**
 * Redeems the code an authorization callback carries (public client, PKCE,
 * RFC 8707 resource indicator): the token response, processed.
 */
export async function redeemCode(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  callback: URL,
  options: { state: string | typeof oauth.expectNoState; verifier: string; redirectUri: string; resource: string },
): Promise<oauth.TokenEndpointResponse> {
  const params = oauth.validateAuthResponse(as, client, callback, options.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    options.redirectUri,
    options.verifier,
    { ...insecure, additionalParameters: { resource: options.resource } },
  );
  return oauth.processAuthorizationCodeResponse(as, client, response);
}
