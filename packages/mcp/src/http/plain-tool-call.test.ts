import { describe, expect, it } from 'vitest';
import { plainToolCall } from './plain-tool-call.ts';

const VERSION = '2026-07-28';
const headers = {
  'content-type': 'application/json',
  'mcp-protocol-version': VERSION,
  'mcp-method': 'tools/call',
  'mcp-name': 'up.echo',
};
const meta = {
  'io.modelcontextprotocol/protocolVersion': VERSION,
  'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const body = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 3,
  method: 'tools/call',
  params: { name: 'up.echo', arguments: { a: 1 }, _meta: meta, ...params },
  ...extra,
});

describe('plainToolCall', () => {
  it('takes a plain stateless tools/call', () => {
    expect(plainToolCall(headers, body())).toEqual({
      id: 3,
      name: 'up.echo',
      arguments: { a: 1 },
      clientCapabilities: {},
    });
    expect(plainToolCall(headers, body({ arguments: undefined }))).toMatchObject({ arguments: undefined });
  });

  it.each([
    ['a progress token', body({ _meta: { ...meta, progressToken: 1 } })],
    ['a log level', body({ _meta: { ...meta, 'io.modelcontextprotocol/logLevel': 'info' } })],
    ['input responses', body({ inputResponses: {} })],
    ['a task', body({ task: { ttl: 1 } })],
    ['arguments that are not an object', body({ arguments: [1] })],
    ['a malformed envelope', body({ _meta: { ...meta, 'io.modelcontextprotocol/clientInfo': 'x' } })],
    ['an incomplete envelope', body({ _meta: { 'io.modelcontextprotocol/protocolVersion': VERSION } })],
    ['a 2025 version', body({ _meta: { ...meta, 'io.modelcontextprotocol/protocolVersion': '2025-11-25' } })],
    ['another method', { ...body(), method: 'tools/list' }],
    ['a null id', { ...body(), id: null }],
    ['an extra member', body({}, { extra: 1 })],
    ['a batch', [body()]],
  ])('leaves a call with %s to the SDK', (_what, request) => {
    expect(plainToolCall(headers, request)).toBeUndefined();
  });

  it.each([
    ['no Mcp-Name', { ...headers, 'mcp-name': undefined }],
    ['another Mcp-Name', { ...headers, 'mcp-name': 'up.other' }],
    ['another Mcp-Method', { ...headers, 'mcp-method': 'tools/list' }],
    ['a version header that differs from the body', { ...headers, 'mcp-protocol-version': '2025-11-25' }],
    ['no version header', { ...headers, 'mcp-protocol-version': undefined }],
    ['a form body', { ...headers, 'content-type': 'application/x-www-form-urlencoded' }],
  ])('leaves a request with %s to the SDK', (_what, h) => {
    expect(plainToolCall(h, body())).toBeUndefined();
  });
});
