import { Message, TaskState as SdkTaskState, SendMessageRequest, Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client';
import { type Task as A2ATask, type AgentCard, PUSH_JWKS_PATH } from '@parley/a2a';
import { testStoreBackends } from '@parley/store';
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCaller } from './support/fake-pipeline.ts';
import { artifactText, eventually, startA2A, startWebhook, statusText } from './support/harness.ts';

const [sqlite] = testStoreBackends();
if (!sqlite) throw new Error('no SQLite test backend');

/** An SDK task (or message) in A2A 1.0 JSON. */
const json = (task: unknown): A2ATask => Task.toJSON(task as Task) as A2ATask;

function authFetch(token: string): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

function sdkClient(url: string, token: string, transport: 'JSONRPC' | 'HTTP+JSON' = 'JSONRPC') {
  const fetchImpl = authFetch(token);
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
      preferredTransports: [transport],
    }),
  );
  return factory.createFromUrl(`${url}/.well-known/agent-card.json`, '');
}

const userMessage = (text: string, extra: Record<string, unknown> = {}) =>
  SendMessageRequest.fromJSON({
    message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text }], ...extra },
  });

describe.each(['JSONRPC', 'HTTP+JSON'] as const)(
  'the official @a2a-js/sdk client over %s, through /a2a/<agent>',
  (transport) => {
    let open: Awaited<ReturnType<typeof sqlite.open>>;
    let mesh: Awaited<ReturnType<typeof startA2A>>;
    let token: string;

    beforeAll(async () => {
      open = await sqlite.open();
      mesh = await startA2A(open.store);
      token = mesh.pipeline.issue(testCaller('planner', { user: 'alice' }), mesh.agentUrl('echo'));
    });
    afterAll(async () => {
      await mesh.close();
      await open.dispose();
    });

    it('sends a message and gets the completed task with its artifact', async () => {
      const client = await sdkClient(mesh.agentUrl('echo'), token, transport);
      const result = await client.sendMessage(userMessage('hello'));
      const task = json(result);
      expect(task.status.state).toBe('TASK_STATE_COMPLETED');
      expect(statusText(task)).toBe('echoed: hello');
      expect(artifactText(task)).toBe('hello');
    });

    it('routes by metadata.skillId and records the decision per skill', async () => {
      const client = await sdkClient(mesh.agentUrl('echo'), token, transport);
      const result = await client.sendMessage(userMessage('quiet', { metadata: { skillId: 'shout' } }));
      expect(artifactText(json(result))).toBe('QUIET');
      const hop = mesh.pipeline.hops.findLast((h) => h.action.action === 'SendMessage');
      expect(hop?.action.resource).toEqual({ type: 'Skill', id: 'shout' });
      expect(hop?.action.parents).toEqual([{ type: 'A2AAgent', id: 'echo' }]);
    });

    it('streams status and artifact updates in order, ending completed', async () => {
      const client = await sdkClient(mesh.agentUrl('echo'), token, transport);
      const kinds: string[] = [];
      const states: string[] = [];
      for await (const event of client.sendMessageStream(userMessage('stream me'))) {
        kinds.push(event.payload?.$case ?? 'none');
        if (event.payload?.$case === 'statusUpdate') {
          states.push(String(event.payload.value.status?.state));
        }
      }
      expect(kinds[0]).toBe('task');
      expect(kinds).toContain('artifactUpdate');
      expect(states.at(-1)).toBe(String(SdkTaskState.TASK_STATE_COMPLETED));
    });

    it('asks for input and resumes on the follow-up message, then gets and lists the task', async () => {
      const client = await sdkClient(mesh.agentUrl('echo'), token, transport);
      const first = json(await client.sendMessage(userMessage('ask')));
      expect(first.status.state).toBe('TASK_STATE_INPUT_REQUIRED');
      expect(statusText(first)).toBe('what should I echo?');
      const second = json(
        await client.sendMessage(userMessage('pineapple', { taskId: first.id, contextId: first.contextId })),
      );
      expect(second.id).toBe(first.id);
      expect(second.status.state).toBe('TASK_STATE_COMPLETED');
      expect(statusText(second)).toBe('echoed: answer: pineapple');
      const fetched = json(await client.getTask({ tenant: '', id: first.id, historyLength: 2 }));
      expect(fetched.history).toHaveLength(2);
      const listed = await client.listTasks({
        tenant: '',
        contextId: first.contextId,
        status: 0,
        pageToken: '',
        statusTimestampAfter: undefined,
      });
      expect(listed.tasks.map((task) => task.id)).toEqual([first.id]);
    });

    it('cancels a running task, and a second cancel is TaskNotCancelableError', async () => {
      const client = await sdkClient(mesh.agentUrl('echo'), token, transport);
      const started = await client.sendMessage(
        SendMessageRequest.fromJSON({
          message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'wait' }] },
          configuration: { returnImmediately: true },
        }),
      );
      const id = (started as Task).id;
      const canceled = json(await client.cancelTask({ tenant: '', id, metadata: undefined }));
      expect(canceled.status.state).toBe('TASK_STATE_CANCELED');
      await expect(client.cancelTask({ tenant: '', id, metadata: undefined })).rejects.toMatchObject({
        name: 'TaskNotCancelableError',
      });
    });

    it('subscribes to a task waiting for input and sees it finish', async () => {
      const client = await sdkClient(mesh.agentUrl('echo'), token, transport);
      const task = json(await client.sendMessage(userMessage('ask')));
      // The subscription ends at the interrupted state; send the answer, then subscribe to the rest.
      const reply = client.sendMessage(
        SendMessageRequest.fromJSON({
          message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'x' }], taskId: task.id },
          configuration: { returnImmediately: true },
        }),
      );
      await reply;
      const seen: string[] = [];
      try {
        for await (const event of client.resubscribeTask({ tenant: '', id: task.id }))
          seen.push(event.payload?.$case ?? '');
      } catch (error) {
        // The task may already have completed: subscribing to a terminal task is UnsupportedOperationError.
        expect((error as Error).name).toBe('UnsupportedOperationError');
        return;
      }
      expect(seen[0]).toBe('task');
    });

    it('delivers signed push notifications to a webhook', async () => {
      const hook = await startWebhook();
      try {
        const client = await sdkClient(mesh.agentUrl('echo'), token, transport);
        const task = json(await client.sendMessage(userMessage('ask')));
        const config = await client.createTaskPushNotificationConfig({
          tenant: '',
          id: '',
          taskId: task.id,
          url: hook.url,
          token: 'client-secret',
          authentication: undefined,
        });
        expect(config.url).toBe(hook.url);
        const listed = await client.listTaskPushNotificationConfig({
          tenant: '',
          taskId: task.id,
          pageSize: 0,
          pageToken: '',
        });
        expect(listed.configs).toHaveLength(1);
        await client.sendMessage(userMessage('push', { taskId: task.id }));
        await eventually(() =>
          hook.received.some(
            (item) => 'statusUpdate' in item.body && item.body.statusUpdate.status.state === 'TASK_STATE_COMPLETED',
          ),
        );
        const jwks = (await (await fetch(`${mesh.baseUrl}${PUSH_JWKS_PATH}`)).json()) as { keys: JWK[] };
        const jtis = new Set<string>();
        for (const item of hook.received) {
          expect(item.headers['x-a2a-notification-token']).toBe('client-secret');
          const jwt = String(item.headers.authorization).replace(/^Bearer /, '');
          const { payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: jwks.keys }), { audience: hook.url });
          expect(payload.taskId).toBe(task.id);
          jtis.add(String(payload.jti));
        }
        expect(jtis.size).toBe(hook.received.length);
        const states = hook.received.flatMap((item) =>
          'statusUpdate' in item.body ? [item.body.statusUpdate.status.state] : [],
        );
        expect(new Set(states).size).toBe(states.length);
      } finally {
        await hook.close();
      }
    });
  },
);

describe('the Agent Card through the proxy', () => {
  it('is signed with the agent key, verifiable by the SDK, with ETag and Cache-Control', async () => {
    const open = await sqlite.open();
    const mesh = await startA2A(open.store);
    try {
      const url = `${mesh.agentUrl('echo')}/.well-known/agent-card.json`;
      const response = await fetch(url);
      expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
      const etag = response.headers.get('etag');
      expect(etag).toBeTruthy();
      const card = (await response.json()) as AgentCard;
      expect(card.supportedInterfaces.map((i) => i.protocolBinding)).toContain('HTTP+JSON');
      expect(card.securitySchemes?.parleyClientCredentials?.oauth2SecurityScheme?.oauth2MetadataUrl).toBe(
        `${mesh.baseUrl}/.well-known/oauth-authorization-server`,
      );
      const { verifyAgentCardSignature } = await import('@a2a-js/sdk');
      type SdkCard = Parameters<ReturnType<typeof verifyAgentCardSignature>>[0];
      const keys = await mesh.keys.publicKeys('echo');
      const byKid = async (kid: string): Promise<JWK> => {
        const key = keys.find((candidate) => candidate.kid === kid);
        if (!key) throw new Error(`no key ${kid}`);
        return key;
      };
      await verifyAgentCardSignature(byKid)(card as unknown as SdkCard);
      const tampered = { ...card, description: 'evil' };
      await expect(verifyAgentCardSignature(byKid)(tampered as unknown as SdkCard)).rejects.toThrow();
      const again = await fetch(url, { headers: { 'if-none-match': String(etag) } });
      expect(again.status).toBe(304);
    } finally {
      await mesh.close();
      await open.dispose();
    }
  });
});

void Message;
