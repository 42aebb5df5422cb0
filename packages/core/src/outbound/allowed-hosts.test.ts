import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/parley-error.ts';
import { parseAllowedHosts } from './allowed-hosts.ts';

describe('parseAllowedHosts', () => {
  it.each([
    // [entry, hostname, port, permitted]
    ['agents.internal', 'agents.internal', 443, true],
    ['agents.internal', 'AGENTS.Internal', 8080, true],
    ['agents.internal', 'agents.internal.', 80, true],
    ['agents.internal', 'other.internal', 443, false],
    ['agents.internal', 'sub.agents.internal', 443, false],
    ['agents.internal:8443', 'agents.internal', 8443, true],
    ['agents.internal:8443', 'agents.internal', 443, false],
    ['127.0.0.1:80', '127.0.0.1', 80, true],
    ['127.0.0.1:80', '127.0.0.1', 8080, false],
    ['[::1]:8080', '::1', 8080, true],
    ['[::1]:8080', '::1', 8081, false],
    ['::1', '0:0:0:0:0:0:0:1', 9, true],
    ['::ffff:127.0.0.1', '::ffff:7f00:1', 9, true],
  ] as const)('%s permits %s:%i: %s', (entry, hostname, port, permitted) => {
    expect(parseAllowedHosts([entry]).permits(hostname, port)).toBe(permitted);
  });

  it.each(['http://agents.internal', 'agents.internal/path', 'user@agents.internal', 'bad host', 'host:99999'])(
    'rejects %j as configuration',
    (entry) => {
      expect(() => parseAllowedHosts(['ok.internal', entry])).toThrow(ConfigError);
    },
  );
});
