import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  A2AService,
  type AgentDefinition,
  type AgentKeyStore,
  artifact,
  defineAgent,
  GeneratedAgentKeyStore,
  type StreamResponse,
  type Task,
  TaskRejected,
  working,
} from '@parley/a2a';
import { createGuardedFetch, InProcessBus, silentLogger, systemClock, toFetch } from '@parley/core';
import type { Store } from '@parley/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { FakePipeline } from './fake-pipeline.ts';

/** The agents most tests talk to. */
export function testAgents(): AgentDefinition[] {
  const echo = defineAgent({
    name: 'echo',
    card: { description: 'Echoes what it is told, after asking when told "ask"' },
    skills: [
      { id: 'echo', name: 'Echo', description: 'echo text back', tags: ['echo'] },
      { id: 'shout', name: 'Shout', description: 'echo text back in capitals', tags: ['shout', 'loud'] },
    ],
    defaultSkill: 'echo',
    extendedDescription: 'Echo, with secrets for authenticated callers',
    async *execute(context) {
      yield working('thinking');
      let text = context.text;
      if (text === 'ask') text = `answer: ${(await context.requestInput('what should I echo?')).parts[0]?.text}`;
      if (text === 'fail') throw new Error('boom (internal detail)');
      if (text === 'reject') throw new TaskRejected('I do not echo that');
      if (text === 'wait') await new Promise((_resolve, reject) => context.signal.addEventListener('abort', reject));
      const out = context.skill.id === 'shout' ? text.toUpperCase() : text;
      yield artifact({ name: 'echo', text: out });
      return `echoed: ${out}`;
    },
  });
  return [echo];
}

export interface StartOptions {
  agents?: AgentDefinition[];
  allowPrivateWebhooks?: boolean;
  bodyLimit?: number;
  /** The pipeline (default a fresh FakePipeline); pass one to keep its approvals across a restart. */
  pipeline?: FakePipeline;
  /** The key store (default generated keys). */
  keys?: AgentKeyStore;
}

/** A Parley-like app with the a2a part on a fake pipeline, listening on 127.0.0.1. */
export async function startA2A(store: Store, options: StartOptions = {}) {
  const app: FastifyInstance = Fastify({ bodyLimit: 1_048_576 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await app.close();
  return startA2AAt(store, baseUrl, options);
}

async function startA2AAt(store: Store, baseUrl: string, options: StartOptions) {
  const app = Fastify({ bodyLimit: 1_048_576 });
  const pipeline = options.pipeline ?? new FakePipeline();
  const keys = options.keys ?? new GeneratedAgentKeyStore();
  const guarded = createGuardedFetch({ allowPrivateNetworks: true, timeout: 5000 });
  const service = await A2AService.start({
    app,
    baseUrl,
    store,
    bus: new InProcessBus(),
    clock: systemClock,
    logger: silentLogger(),
    pipeline,
    keys,
    agents: options.agents ?? testAgents(),
    fetch: guarded,
    streamFetch: toFetch(guarded),
    webhooks: { allowPrivateNetworks: options.allowPrivateWebhooks ?? true, allowedHosts: [] },
    pushRetry: { attempts: 3, backoffMs: 20 },
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
  const port = Number(new URL(baseUrl).port);
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    baseUrl,
    pipeline,
    keys,
    service,
    agentUrl: (name: string) => `${baseUrl}/a2a/${name}`,
    async close() {
      await service.stop();
      await app.close();
    },
  };
}

/** A notification as a webhook received it. */
export interface ReceivedNotification {
  readonly headers: IncomingMessage['headers'];
  readonly body: StreamResponse;
}

/**
 * A webhook receiver on 127.0.0.1: answers the first `failFirst` requests
 * with 503, then records every notification it accepts (`received`);
 * `attempts` counts every request.
 */
export async function startWebhook(options: { failFirst?: number } = {}): Promise<{
  url: string;
  received: ReceivedNotification[];
  attempts: () => number;
  close(): Promise<void>;
}> {
  const received: ReceivedNotification[] = [];
  let attempts = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      attempts++;
      if (attempts <= (options.failFirst ?? 0)) {
        response.writeHead(503).end();
        return;
      }
      received.push({ headers: request.headers, body: JSON.parse(body) as StreamResponse });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    attempts: () => attempts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Polls `check` until it holds (bounded). */
export async function eventually(check: () => boolean | Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
}

/** A JSON-RPC response body: `result` (typed by the caller) or `error`. */
export interface RpcBody<T = unknown> {
  readonly jsonrpc: '2.0';
  readonly id: string | number | null;
  readonly result?: T;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/** Posts a JSON-RPC request; `T` is the result type the test expects. */
export async function rpc<T = unknown>(
  url: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: RpcBody<T> | undefined }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as RpcBody<T>) : undefined,
  };
}

/** The task a SendMessage answered with. */
export async function sendForTask(url: string, token: string | undefined, body: unknown): Promise<Task> {
  const answer = await rpc<{ task: Task }>(url, token, body);
  const task = answer.body?.result?.task;
  if (!task) throw new Error(`no task in ${answer.status} ${JSON.stringify(answer.body)}`);
  return task;
}

/** The text of the task's status message. */
export function statusText(task: Task | undefined): string | undefined {
  return task?.status.message?.parts[0]?.text;
}

/** The text of the task's `index`th artifact. */
export function artifactText(task: Task | undefined, index = 0): string | undefined {
  return task?.artifacts?.[index]?.parts[0]?.text;
}
