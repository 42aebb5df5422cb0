// Identity: access-token and API-key verifications per second on one core
// (revocation and disabled principals honoured), against a bare jose jwtVerify
// with a pre-imported key measured in the same run; token exchange p50/p99.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus, silentLogger, systemClock } from '@parley/core';
import { IdentityService, TOKEN_TYPE } from '@parley/identity';
import { Store } from '@parley/store';
import { importJWK, jwtVerify } from 'jose';

const DURATION_MS = Number(process.env.BENCH_MS ?? 2000);
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-identity-'));
const store = await Store.open({ dataDir });
const baseUrl = 'http://127.0.0.1:7070';
const identity = await IdentityService.start({
  baseUrl,
  store,
  bus: new InProcessBus(),
  clock: systemClock,
  logger: silentLogger(),
  settings: { accessTokenTtl: 600_000, refreshTokenTtl: 86_400_000, maxDelegationDepth: 4, trustedIssuers: [] },
  fetch: fetch,
});

await identity.createUser({ username: 'alice', password: 'correct horse battery' });
for (const name of ['concierge', 'scheduler']) await identity.createAgent({ name });
const { key } = await identity.createApiKey({ principal: 'alice', scopes: ['mcp:tools', 'a2a:message'] });
// Some revoked tokens so the revocation check is not trivially empty.
for (let i = 0; i < 1000; i++) await identity.directory.revokeToken(`revoked-${i}`, Date.now() + 600_000);

const toConcierge = await identity.exchangeToken({
  subjectToken: key,
  subjectTokenType: TOKEN_TYPE.apiKey,
  actorClientId: 'concierge',
  resource: `${baseUrl}/a2a/concierge`,
});
const toScheduler = await identity.exchangeToken({
  subjectToken: toConcierge.accessToken,
  subjectTokenType: TOKEN_TYPE.accessToken,
  actorClientId: 'concierge',
  resource: `${baseUrl}/a2a/scheduler`,
});
const token = toScheduler.accessToken;
const resource = { url: `${baseUrl}/a2a/scheduler`, requiredScopes: ['a2a:message'] };
const tokenRequest = { method: 'POST', url: '/a2a/scheduler', headers: { authorization: `Bearer ${token}` } };
const keyRequest = { method: 'POST', url: '/a2a/scheduler', headers: { authorization: `Bearer ${key}` } };

async function perSecond(label: string, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < DURATION_MS) {
    for (let i = 0; i < 500; i++) await fn();
    count += 500;
  }
  const rate = count / ((performance.now() - started) / 1000);
  console.log(`  ${label.padEnd(46)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} /s`);
  return rate;
}

const jwk = identity.keys.current.publicJwk;
const publicKey = await importJWK(jwk, 'RS256');
console.log('verifications per second, one core');
const baseline = await perSecond('baseline: jose jwtVerify (pre-imported key)', () =>
  jwtVerify(token, publicKey, { issuer: baseUrl, audience: resource.url }),
);
const tokens = await perSecond('access token (authenticate -> Caller)', () =>
  identity.authenticate(tokenRequest, resource),
);
const keys = await perSecond('API key (authenticate -> Caller)', () => identity.authenticate(keyRequest, resource));
console.log(`  ratio access token / baseline                     ${(tokens / baseline).toFixed(2)}x`);
console.log(`  ratio API key / baseline                          ${(keys / baseline).toFixed(2)}x`);
console.log(`  target: at least 20,000 /s each -> ${tokens >= 20_000 && keys >= 20_000 ? 'met' : 'NOT met'}`);

const latencies: number[] = [];
for (let i = 0; i < 3000; i++) {
  const started = performance.now();
  await identity.exchangeToken({
    subjectToken: token,
    subjectTokenType: TOKEN_TYPE.accessToken,
    actorClientId: 'scheduler',
    resource: `${baseUrl}/mcp`,
    scope: 'a2a:message',
  });
  if (i >= 500) latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
console.log('token exchange, in process (verify subject, check chain and scopes, sign RS256)');
console.log(`  p50 ${pct(50).toFixed(3)} ms   p99 ${pct(99).toFixed(3)} ms   (target: p99 under 5 ms)`);

await identity.stop();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
