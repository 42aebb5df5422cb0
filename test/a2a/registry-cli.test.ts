import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { validateConfig } from '@parley/config';
import { silentLogger } from '@parley/core';
import { type Mesh, startMesh } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { a2aPart } from '../../packages/server/src/mesh/parts/a2a.ts';
import { parleyBin, tempDir } from '../support/parley-process.ts';
import { FakePipeline, testCaller } from './support/fake-pipeline.ts';
import { rpc, sendForTask, statusText } from './support/harness.ts';
import { type SdkAgent, startSdkAgent } from './support/sdk-agent.ts';

/** Runs `parley ARGS` without blocking this process (the mesh in it has to answer). */
function parley(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [parleyBin, ...args], {
      env: { ...process.env, PARLEY_LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('parley agents register against a running mesh', () => {
  let dataDir: string;
  let mesh: Mesh;
  let pipeline: FakePipeline;
  let remote: SdkAgent;
  let adminKey: string;

  beforeAll(async () => {
    dataDir = tempDir('parley-a2a-');
    pipeline = new FakePipeline();
    mesh = await startMesh({
      config: validateConfig({
        dataDir,
        server: { port: 0 },
        log: { level: 'silent' },
        outbound: { allowPrivateNetworks: true },
      }),
      mode: 'start',
      logger: silentLogger(),
      parts: [
        {
          name: 'pipeline',
          async start({ services }) {
            services.set('pipeline', pipeline);
            return undefined;
          },
        },
        a2aPart,
      ],
    });
    remote = await startSdkAgent({ name: 'CLI Echo' });
    adminKey = pipeline.issue(testCaller('root', { type: 'User', roles: ['admin'] }), '*');
  });
  afterAll(async () => {
    await mesh?.close();
    await remote?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers the SDK agent (--json), lists it, and the proxy reaches it', { timeout: 60_000 }, async () => {
    const registered = await parley([
      'agents',
      'register',
      remote.origin,
      '--url',
      mesh.url,
      '--api-key',
      adminKey,
      '--json',
    ]);
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    const agent = JSON.parse(registered.stdout) as { name: string; status: string; skills: string[]; proxyUrl: string };
    expect(agent).toMatchObject({ name: 'cli-echo', status: 'active', skills: ['echo', 'count'] });
    expect(agent.proxyUrl).toBe(`${mesh.url}/a2a/cli-echo`);

    const listed = await parley(['agents', 'remote', '--url', mesh.url, '--api-key', adminKey, '--json']);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((a) => a.name)).toEqual(['cli-echo']);

    const token = pipeline.issue(testCaller('planner', { user: 'alice' }), agent.proxyUrl);
    const task = await sendForTask(agent.proxyUrl, token, {
      jsonrpc: '2.0',
      id: 1,
      method: 'SendMessage',
      params: { message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'via cli' }] } },
    });
    expect(statusText(task)).toBe('remote echoed: via cli');
  });

  it('refuses a non-admin, and says why a registration failed', { timeout: 60_000 }, async () => {
    const user = pipeline.issue(testCaller('planner'), '*');
    const refused = await parley(['agents', 'register', remote.origin, '--url', mesh.url, '--api-key', user, '--json']);
    expect(refused.code).not.toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, message: 'the A2A registry is for administrators' });
    const nothing = await parley([
      'agents',
      'register',
      'http://127.0.0.1:9',
      '--url',
      mesh.url,
      '--api-key',
      adminKey,
    ]);
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toMatch(/127\.0\.0\.1:9/);
    const stillOne = await rpc(`${mesh.url}/a2a/nothing`, user, {});
    expect(stillOne.status).toBe(404);
  });
});
