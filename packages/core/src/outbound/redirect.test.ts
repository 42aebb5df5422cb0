import { describe, expect, it } from 'vitest';
import { redirectRequest } from './redirect.ts';
import type { OutboundRequest } from './send-request.ts';

function request(method: string, url = 'https://a.example/start'): OutboundRequest {
  return {
    url: new URL(url),
    method,
    headers: new Headers({ authorization: 'Bearer t', cookie: 'c=1', 'content-type': 'text/plain', accept: '*/*' }),
    body: new TextEncoder().encode('payload'),
  };
}

describe('redirectRequest', () => {
  it.each([
    // [status, method in, method out, body kept]
    [301, 'POST', 'GET', false],
    [302, 'POST', 'GET', false],
    [303, 'POST', 'GET', false],
    [303, 'PUT', 'GET', false],
    [303, 'HEAD', 'HEAD', true],
    [301, 'PUT', 'PUT', true],
    [302, 'DELETE', 'DELETE', true],
    [307, 'POST', 'POST', true],
    [308, 'POST', 'POST', true],
  ] as const)('%i after %s sends %s', (status, method, expected, bodyKept) => {
    const next = redirectRequest(request(method), status, '/next');
    expect(next?.method).toBe(expected);
    expect(next?.body !== undefined).toBe(bodyKept);
    expect(next?.headers.has('content-type')).toBe(bodyKept);
  });

  it('resolves a relative Location against the current URL', () => {
    expect(redirectRequest(request('GET'), 302, '../other?q=1')?.url.href).toBe('https://a.example/other?q=1');
  });

  it('keeps credentials on the same origin and drops them on another', () => {
    const same = redirectRequest(request('GET'), 307, 'https://a.example/elsewhere');
    expect(same?.headers.get('authorization')).toBe('Bearer t');
    expect(same?.headers.get('cookie')).toBe('c=1');

    for (const location of ['https://b.example/', 'http://a.example/', 'https://a.example:8443/']) {
      const other = redirectRequest(request('GET'), 307, location);
      expect(other?.headers.has('authorization')).toBe(false);
      expect(other?.headers.has('cookie')).toBe(false);
      expect(other?.headers.get('accept')).toBe('*/*');
    }
  });

  it('drops the named credential headers on another origin, a downgrade to http included', () => {
    const start = request('POST');
    start.headers.set('x-api-key', 'secret');
    const named = ['X-Api-Key'];

    expect(redirectRequest(start, 307, 'https://a.example/elsewhere', named)?.headers.get('x-api-key')).toBe('secret');
    for (const location of ['https://b.example/', 'http://a.example/', 'https://a.example:8443/']) {
      for (const status of [301, 302, 303, 307, 308]) {
        const other = redirectRequest(start, status, location, named);
        expect(other?.headers.has('x-api-key')).toBe(false);
        expect(other?.headers.has('authorization')).toBe(false);
      }
    }
    // Unnamed, a custom header is not known to be a credential, and follows the redirect.
    expect(redirectRequest(start, 307, 'https://b.example/')?.headers.get('x-api-key')).toBe('secret');
  });

  it('is not a redirect without a redirect status or a Location', () => {
    expect(redirectRequest(request('GET'), 200, '/next')).toBeUndefined();
    expect(redirectRequest(request('GET'), 304, '/next')).toBeUndefined();
    expect(redirectRequest(request('GET'), 302, undefined)).toBeUndefined();
  });

  it('refuses a Location that is not a URL', () => {
    expect(() => redirectRequest(request('GET'), 302, 'http://[invalid')).toThrow(
      expect.objectContaining({ code: 'ERR_OUTBOUND_REDIRECT' }),
    );
  });
});
