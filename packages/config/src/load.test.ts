import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'parley-config-')), 'parley.yaml');
  writeFileSync(path, text);
  return path;
}

function issuesOf(action: () => unknown): Array<{ path: string; message: string }> {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default when there is no file', () => {
    const config = loadConfig();
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 7070, bodyLimit: 1_048_576 });
    expect(config.dataDir).toBe('./.parley');
    expect(config.outbound.allowPrivateNetworks).toBe(false);
    expect(config.identity.accessTokenTtl).toBe(600_000);
  });

  it('reports every problem by its path', () => {
    const path = file(
      [
        'server:',
        '  port: seventy',
        'mcp:',
        '  servers:',
        '    - name: calendar',
        '      url: http://127.0.0.1:9001/mcp',
        '    - name: rooms',
        '      url: ftp://example.com',
        'polcy:',
        '  files: []',
      ].join('\n'),
    );
    const issues = issuesOf(() => loadConfig({ file: path }));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'server.port', message: 'must be a port number' },
        { path: 'mcp.servers[1].url', message: 'must be an http(s) URL' },
        { path: 'polcy', message: 'is not a known setting' },
      ]),
    );
    expect(issues).toHaveLength(3);
  });

  it('names the line of a YAML syntax error', () => {
    const path = file('server:\n  port: 7070\n   host: [unclosed\n');
    const issues = issuesOf(() => loadConfig({ file: path }));
    expect(issues[0]?.path).toMatch(/parley\.yaml:\d+:\d+$/);
  });

  it('says so when the file does not exist', () => {
    const issues = issuesOf(() => loadConfig({ file: '/nonexistent/parley.yaml' }));
    expect(issues[0]?.message).toBe('file not found');
  });

  it('lets the environment override the file, and flags override both', () => {
    const path = file('server:\n  port: 8000\ndataDir: /var/lib/parley\n');
    const fromEnv = loadConfig({
      file: path,
      env: { PARLEY_PORT: '8001', PARLEY_DATABASE_URL: 'postgres://db/parley' },
    });
    expect(fromEnv.server.port).toBe(8001);
    expect(fromEnv.store.url).toBe('postgres://db/parley');
    expect(fromEnv.dataDir).toBe('/var/lib/parley');
    const fromFlags = loadConfig({
      file: path,
      env: { PARLEY_PORT: '8001' },
      overrides: [{ path: ['server', 'port'], value: '8002' }],
    });
    expect(fromFlags.server.port).toBe(8002);
  });

  it('validates environment values like file values', () => {
    const issues = issuesOf(() =>
      loadConfig({ env: { PARLEY_PORT: '99999', PARLEY_ALLOW_PRIVATE_NETWORKS: 'maybe' } }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['outbound.allowPrivateNetworks', 'server.port']);
  });

  it('reads the credential key from PARLEY_CREDENTIAL_KEY and refuses one that is not 32 bytes', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ env: { PARLEY_CREDENTIAL_KEY: key } }).mcp.credentialKey).toBe(key);
    const issues = issuesOf(() => loadConfig({ env: { PARLEY_CREDENTIAL_KEY: 'c2hvcnQ=' } }));
    expect(issues.map((i) => i.path)).toEqual(['mcp.credentialKey']);
  });

  it('exports OTLP as protobuf unless OTEL_EXPORTER_OTLP_PROTOCOL says http/json, and refuses grpc', () => {
    expect(loadConfig({}).telemetry.otlpProtocol).toBe('http/protobuf');
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    expect(loadConfig({ env }).telemetry).toMatchObject({ otlpProtocol: 'http/json' });
    const issues = issuesOf(() => loadConfig({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } }));
    expect(issues.map((i) => i.path)).toEqual(['telemetry.otlpProtocol']);
  });

  it('leaves trace sampling to the OTel environment unless telemetry.sampleRatio is set, from 0 to 1', () => {
    expect(loadConfig({}).telemetry.sampleRatio).toBeUndefined();
    expect(loadConfig({ file: file('telemetry:\n  sampleRatio: 0.1\n') }).telemetry.sampleRatio).toBe(0.1);
    const issues = issuesOf(() => loadConfig({ file: file('telemetry:\n  sampleRatio: 1.5\n') }));
    expect(issues.map((i) => i.path)).toEqual([expect.stringMatching(/^telemetry\.sampleRatio/)]);
  });

  it('puts mode defaults beneath the file', () => {
    const path = file('log:\n  level: warn\n');
    const config = loadConfig({ file: path, defaults: [{ path: ['log', 'level'], value: 'debug' }] });
    expect(config.log.level).toBe('warn');
  });

  it('parses durations', () => {
    const config = loadConfig({ file: file('identity:\n  accessTokenTtl: 5m\npolicy:\n  approvalTtl: 90\n') });
    expect(config.identity.accessTokenTtl).toBe(300_000);
    expect(config.policy.approvalTtl).toBe(90_000);
    const issues = issuesOf(() => loadConfig({ file: file('identity:\n  accessTokenTtl: soon\n') }));
    expect(issues).toEqual([
      { path: 'identity.accessTokenTtl', message: 'must be a duration such as 30s, 5m, 12h or 30d' },
    ]);
  });

  it('accepts stdio and HTTP upstreams and rejects an unknown auth type', () => {
    const good = loadConfig({
      file: file(
        'mcp:\n  servers:\n    - name: mail\n      command: node\n      args: [mail.js]\n    - name: rooms\n      url: https://rooms.example/mcp\n      auth: { type: token-exchange }\n',
      ),
    });
    expect(good.mcp.servers).toHaveLength(2);
    const issues = issuesOf(() =>
      loadConfig({
        file: file(
          'mcp:\n  servers:\n    - name: rooms\n      url: https://rooms.example/mcp\n      auth: { type: magic }\n',
        ),
      }),
    );
    expect(issues[0]?.path).toMatch(/^mcp\.servers\[0\]/);
  });
});
