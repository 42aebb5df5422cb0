import { describe, expect, it } from 'vitest';
import { GATEWAY_CLIENT_ID, ResourceRegistry } from './resource-registry.ts';

describe('ResourceRegistry', () => {
  const registry = new ResourceRegistry('http://127.0.0.1:7070');

  it('knows the built-in resources and who serves them', () => {
    expect(registry.find('http://127.0.0.1:7070/mcp')).toMatchObject({ url: 'http://127.0.0.1:7070/mcp' });
    expect(registry.find('http://127.0.0.1:7070/mcp/calendar/')?.url).toBe('http://127.0.0.1:7070/mcp/calendar');
    expect(registry.isServedBy('http://127.0.0.1:7070/a2a/scheduler', 'scheduler')).toBe(true);
    expect(registry.isServedBy('http://127.0.0.1:7070/a2a/scheduler', 'comms')).toBe(false);
    expect(registry.isServedBy('http://127.0.0.1:7070/mcp', GATEWAY_CLIENT_ID)).toBe(true);
  });

  it('refuses what Parley does not protect', () => {
    expect(registry.find('http://127.0.0.1:7070/healthz')).toBeUndefined();
    expect(registry.find('http://127.0.0.1:7070/a2a/x/y')).toBeUndefined();
    expect(registry.find('https://elsewhere.example/mcp')).toBeUndefined();
  });

  it('accepts resources other parts register, with their scopes', () => {
    registry.register({ url: 'https://calendar.example/mcp', scopes: ['calendar:read'], servedBy: ['scheduler'] });
    expect(registry.find('https://calendar.example/mcp')?.scopes).toEqual(['calendar:read']);
    expect(registry.isServedBy('https://calendar.example/mcp', 'scheduler')).toBe(true);
  });
});
