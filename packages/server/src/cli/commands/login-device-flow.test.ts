import { describe, expect, it } from 'vitest';
import { type DevicePrompt, signInWithDeviceFlow } from './login-device-flow.ts';

const URL_ = 'http://parley.test';

/** An authorization server that answers the token endpoint from a script, recording when it was polled. */
function server(answers: Array<Record<string, unknown> | 'network-error'>, device: Record<string, unknown> = {}) {
  const polls: Array<{ at: number; body: URLSearchParams }> = [];
  let clock = 0;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/.well-known/oauth-authorization-server')) {
      return json({ token_endpoint: `${URL_}/token`, device_authorization_endpoint: `${URL_}/device/auth` });
    }
    if (url.endsWith('/device/auth')) {
      return json({
        device_code: 'dc',
        user_code: 'BCDF-GHJK',
        verification_uri: `${URL_}/device`,
        expires_in: 600,
        ...device,
      });
    }
    polls.push({ at: clock, body: new URLSearchParams(String(init?.body)) });
    const answer = answers.shift();
    if (answer === 'network-error' || answer === undefined) throw new TypeError('fetch failed');
    return json(answer, 'access_token' in answer ? 200 : 400);
  }) as typeof fetch;
  return {
    polls,
    run(extra: { now?: () => number } = {}) {
      const shown: DevicePrompt[] = [];
      return {
        shown,
        result: signInWithDeviceFlow({
          url: URL_,
          resource: `${URL_}/a2a/concierge`,
          fetch: fetchImpl,
          show: (prompt) => shown.push(prompt),
          sleep: async (ms) => {
            clock += ms;
          },
          now: extra.now ?? (() => clock),
        }),
      };
    },
  };
}

describe('signInWithDeviceFlow (RFC 8628 §3.4, §3.5)', () => {
  it('polls at the given interval while pending, slows down by 5 s when told, and returns the tokens', async () => {
    const as = server(
      [
        { error: 'authorization_pending' },
        { error: 'slow_down' },
        { error: 'authorization_pending' },
        { access_token: 'at', refresh_token: 'rt', expires_in: 600 },
      ],
      { interval: 2 },
    );
    const { shown, result } = as.run();
    await expect(result).resolves.toMatchObject({ accessToken: 'at', refreshToken: 'rt' });
    expect(shown[0]).toMatchObject({ userCode: 'BCDF-GHJK', verificationUri: `${URL_}/device` });
    expect(as.polls.map((p) => p.at)).toEqual([2_000, 4_000, 11_000, 18_000]);
    expect(as.polls[0]?.body.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:device_code');
    expect(as.polls[0]?.body.get('resource')).toBe(`${URL_}/a2a/concierge`);
    expect(as.polls[0]?.body.get('client_id')).toBe('parley-cli');
  });

  it('waits 5 s by default and backs off exponentially when the server cannot be reached', async () => {
    const as = server(['network-error', 'network-error', { access_token: 'at' }]);
    await as.run().result;
    expect(as.polls.map((p) => p.at)).toEqual([5_000, 15_000, 35_000]);
  });

  it('stops on expired_token and on access_denied with errors the user can act on', async () => {
    await expect(server([{ error: 'expired_token' }]).run().result).rejects.toMatchObject({
      code: 'ERR_CLI_SIGN_IN_EXPIRED',
    });
    await expect(server([{ error: 'access_denied' }]).run().result).rejects.toMatchObject({
      code: 'ERR_CLI_SIGN_IN_DENIED',
    });
  });

  it('gives up once the code has expired, without polling past expires_in', async () => {
    const as = server(
      Array.from({ length: 1000 }, () => ({ error: 'authorization_pending' })),
      { expires_in: 12 },
    );
    await expect(as.run().result).rejects.toMatchObject({ code: 'ERR_CLI_SIGN_IN_EXPIRED' });
    expect(as.polls.map((p) => p.at)).toEqual([5_000, 10_000]);
  });
});
