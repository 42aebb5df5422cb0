import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AgentCard,
  generateAgentCardSignature,
  Message,
  Task,
  TaskArtifactUpdateEvent,
  TaskStatusUpdateEvent,
} from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  DefaultRequestHandler,
  type ExecutionEventBus,
  InMemoryTaskStore,
  type RequestContext,
  type User,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';
import express from 'express';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** A signing key for the remote agent's card. */
export interface CardKey {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  readonly kid: string;
}

export async function cardKey(kid = `remote-${crypto.randomUUID().slice(0, 8)}`): Promise<CardKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    kid,
  };
}

/** The user a remote SDK server sees: every Parley-issued token maps to one gateway user. */
class GatewayUser implements User {
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return 'parley';
  }
}

/**
 * An agent built on the official `@a2a-js/sdk` server (express, JSON-RPC),
 * listening on 127.0.0.1: "wait" runs until canceled, anything else is
 * echoed as an artifact and the task completes. Its card is signed by the
 * SDK's own signer (`jku` pointing at its `/.well-known/jwks.json`). Every
 * `Authorization` header it receives is recorded; `setDescription`,
 * `rotateKey` change what it serves from then on.
 */
export async function startSdkAgent(options: { name?: string; key?: CardKey } = {}) {
  let key = options.key ?? (await cardKey());
  let description = 'An echo agent on the official A2A SDK';
  const authorizations: string[] = [];
  const running = new Map<string, () => void>();
  const app = express();
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rpcUrl = `${origin}/a2a/jsonrpc`;
  const unsignedCard = () =>
    AgentCard.fromJSON({
      name: options.name ?? 'SDK Echo',
      description,
      version: '1.0.0',
      supportedInterfaces: [{ url: rpcUrl, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
      capabilities: { streaming: true, pushNotifications: false },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [
        { id: 'echo', name: 'Echo', description: 'echo text back', tags: ['echo'] },
        { id: 'count', name: 'Count', description: 'count words', tags: ['count', 'words'] },
      ],
    });
  const signedCard = async () => {
    const sign = generateAgentCardSignature(key.privateJwk, {
      alg: 'ES256',
      kid: key.kid,
      typ: 'JOSE',
      jku: `${origin}/.well-known/jwks.json`,
    });
    return sign(unsignedCard());
  };

  const executor: AgentExecutor = {
    async execute(context: RequestContext, bus: ExecutionEventBus) {
      const { taskId, contextId } = context;
      const text = (Message.toJSON(context.userMessage) as { parts?: Array<{ text?: string }> }).parts
        ?.map((part) => part.text ?? '')
        .join(' ');
      const status = (state: string, reply?: string) =>
        AgentEvent.statusUpdate(
          TaskStatusUpdateEvent.fromJSON({
            taskId,
            contextId,
            status: {
              state,
              timestamp: new Date().toISOString(),
              ...(reply
                ? { message: { messageId: crypto.randomUUID(), role: 'ROLE_AGENT', parts: [{ text: reply }] } }
                : {}),
            },
          }),
        );
      if (!context.task) {
        bus.publish(
          AgentEvent.task(
            Task.fromJSON({
              id: taskId,
              contextId,
              status: { state: 'TASK_STATE_SUBMITTED', timestamp: new Date().toISOString() },
              history: [Message.toJSON(context.userMessage)],
            }),
          ),
        );
      }
      bus.publish(status('TASK_STATE_WORKING'));
      if (text === 'wait') {
        await new Promise<void>((resolve) => running.set(taskId, resolve));
        bus.publish(status('TASK_STATE_CANCELED', 'canceled'));
        bus.finished();
        return;
      }
      bus.publish(
        AgentEvent.artifactUpdate(
          TaskArtifactUpdateEvent.fromJSON({
            taskId,
            contextId,
            artifact: { artifactId: crypto.randomUUID(), name: 'echo', parts: [{ text }] },
            lastChunk: true,
          }),
        ),
      );
      bus.publish(status('TASK_STATE_COMPLETED', `remote echoed: ${text}`));
      bus.finished();
    },
    async cancelTask(taskId: string) {
      running.get(taskId)?.();
      running.delete(taskId);
    },
  };
  const handler = new DefaultRequestHandler(unsignedCard(), new InMemoryTaskStore(), executor);
  app.use((request, _response, next) => {
    if (request.headers.authorization) authorizations.push(request.headers.authorization);
    next();
  });
  app.get('/.well-known/jwks.json', (_request, response) => {
    response.json({ keys: [key.publicJwk] });
  });
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: async () => signedCard() }));
  app.use(
    '/a2a/jsonrpc',
    jsonRpcHandler({
      requestHandler: handler,
      userBuilder: async (request) => {
        if (!request.headers.authorization?.startsWith('Bearer ')) throw new Error('a bearer token is required');
        return new GatewayUser();
      },
    }),
  );

  return {
    origin,
    rpcUrl,
    authorizations,
    get key() {
      return key;
    },
    /** Serves a changed card from now on. */
    setDescription(text: string) {
      description = text;
    },
    /** Signs the card with a new key (and serves it in the JWKS) from now on. */
    async rotateKey() {
      key = await cardKey();
    },
    /** The card as served, signed. */
    signedCard,
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of running.values()) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type SdkAgent = Awaited<ReturnType<typeof startSdkAgent>>;
