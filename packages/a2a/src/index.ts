export { A2AService, type A2AServiceOptions, PUSH_JWKS_PATH } from './a2a-service.ts';
export type {
  A2AHandler,
  CallContext,
  ListTaskPushNotificationConfigsResponse,
  ListTasksResponse,
  ProtocolVersion,
  StreamResult,
} from './bindings/a2a-handler.ts';
export { messageText } from './bindings/a2a-handler.ts';
export {
  type A2AEndpoint,
  type A2AEndpointOptions,
  AGENT_CARD_PATH,
  AGENT_JWKS_PATH,
  a2aEndpoint,
} from './bindings/endpoint.ts';
export { mountAgent } from './bindings/mount-agent.ts';
export { ownerOf } from './bindings/owner.ts';
export {
  type AuthorizationServerInfo,
  agentInterfaces,
  buildAgentCard,
  parleyAuthorizationServer,
  parleySecurity,
} from './cards/build-card.ts';
export { canonicalCardPayload } from './cards/canonical-card.ts';
export { CardSigner } from './cards/card-signer.ts';
export { type AgentKeyStore, GeneratedAgentKeyStore, PROXY_KEY, PUSH_KEY, type SigningKey } from './cards/key-store.ts';
export { type CardVerification, signAgentCard, signatureKids, verifyAgentCard } from './cards/sign-card.ts';
export { type AgentKeyIdentity, StoredAgentKeyStore } from './cards/stored-key-store.ts';
export { RemoteAgentClient, type RemoteAgentClientOptions } from './client/remote-agent-client.ts';
export { readSse } from './client/sse-reader.ts';
export { AgentRegistry, type RegisteredAgent } from './registry/agent-registry.ts';
export { AgentRuntime, type AgentRuntimeOptions, agentMessage } from './runtime/agent-runtime.ts';
export {
  type AgentContext,
  type AgentDefinition,
  type AgentDefinitionInput,
  type AgentEvent,
  type AgentResult,
  artifact,
  defineAgent,
  TaskRejected,
  working,
} from './runtime/define-agent.ts';
export { selectSkill } from './runtime/select-skill.ts';
export { TaskEvents } from './runtime/task-events.ts';
export { TaskManager } from './runtime/task-manager.ts';
export { TaskStore } from './runtime/task-store.ts';
export { A2A_ERRORS, A2AError, type A2AErrorName } from './wire/errors.ts';
export type { AgentCard, AgentCardSignature, AgentInterface, AgentSkill } from './wire/schemas/agent-card.ts';
export { agentCardSchema } from './wire/schemas/agent-card.ts';
export type {
  Artifact,
  Message,
  Part,
  SendMessageResponse,
  StreamResponse,
  Task,
  TaskPushNotificationConfig,
  TaskStatus,
} from './wire/schemas/core.ts';
export { messageSchema, partSchema, streamResponseSchema, taskSchema } from './wire/schemas/core.ts';
export type { SendMessageRequest } from './wire/schemas/requests.ts';
export { isTerminalState, TaskState } from './wire/task-state.ts';
