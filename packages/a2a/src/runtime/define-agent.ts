import type { Caller } from '@parley/core';
import type { AgentSkill } from '../wire/schemas/agent-card.ts';
import type { Artifact, Message, Part, Task } from '../wire/schemas/core.ts';

/** What an agent's `execute` can use. */
export interface AgentContext {
  readonly taskId: string;
  readonly contextId: string;
  /** The message that started (or resumed) this run. */
  readonly message: Message;
  /** The text parts of `message`, joined. */
  readonly text: string;
  /** The skill the message was routed to. @see selectSkill */
  readonly skill: AgentSkill;
  /** The task's history so far (user and agent messages). */
  readonly history: readonly Message[];
  /** The authenticated caller, when the agent is reached through Parley's pipeline. */
  readonly caller: Caller | undefined;
  /** Aborts when the task is canceled. */
  readonly signal: AbortSignal;
  /**
   * Puts the task in TASK_STATE_INPUT_REQUIRED with `prompt` and resolves
   * with the caller's follow-up message on the same task.
   */
  requestInput(prompt: string | Part[]): Promise<Message>;
  /**
   * Puts the task in TASK_STATE_AUTH_REQUIRED while `pending` runs (a tool call
   * held for a human approval downstream), with a message naming the approval,
   * then back to TASK_STATE_WORKING. Resolves or rejects as `pending` does.
   */
  awaitAuthorization<T>(approval: { id: string; url: string; note?: string }, pending: Promise<T>): Promise<T>;
  /**
   * A token for `audience` (an MCP gateway or another agent), exchanged on
   * behalf of the caller with this agent as actor. Throws when the agent is
   * not reached through Parley.
   */
  credentialFor(audience: string, options?: { scope?: string }): Promise<string>;
}

/** A progress update: the task stays TASK_STATE_WORKING, with a message. */
export interface StatusEvent {
  readonly kind: 'status';
  readonly parts: Part[];
  /** Carried on the status message (extensions, structured progress). */
  readonly metadata?: Record<string, unknown>;
}

/** An artifact produced (or, with `append`, a chunk of one). */
export interface ArtifactEvent {
  readonly kind: 'artifact';
  readonly artifact: Artifact;
  readonly append?: boolean;
  readonly lastChunk?: boolean;
}

export type AgentEvent = StatusEvent | ArtifactEvent;

/** What `execute` returns: the final answer (text or parts), or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: generators that end without `return` yield void.
export type AgentResult = string | Part[] | undefined | void;

/** How an agent is written: a card, skills, and an async generator. */
export interface AgentDefinitionInput {
  /** The agent's name in the mesh (URL segment: `/a2a/<name>`). */
  readonly name: string;
  readonly card: {
    readonly name?: string;
    readonly description: string;
    readonly version?: string;
    readonly provider?: { url: string; organization: string };
    readonly documentationUrl?: string;
    readonly iconUrl?: string;
    readonly defaultInputModes?: string[];
    readonly defaultOutputModes?: string[];
  };
  readonly skills: ReadonlyArray<Omit<AgentSkill, 'tags'> & { tags?: string[] }>;
  /** The skill used when a message names none and no skill matches better. */
  readonly defaultSkill?: string;
  /** An extra description shown only to authenticated callers (GetExtendedAgentCard). */
  readonly extendedDescription?: string;
  execute(context: AgentContext): AsyncIterable<AgentEvent, AgentResult> | Promise<AgentResult>;
}

/** A defined agent, ready to be served. */
export interface AgentDefinition extends AgentDefinitionInput {
  readonly skills: readonly AgentSkill[];
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Defines an A2A agent. `execute` is an async generator: `yield working(…)`
 * and `yield artifact(…)` stream updates, `await context.requestInput(…)`
 * asks the caller, and the return value completes the task.
 * @example
 * defineAgent({ name: 'echo', card: { description: 'Echoes' }, skills: [{ id: 'echo', name: 'Echo', description: '' }],
 *   async *execute(ctx) { yield working('thinking'); return `you said ${ctx.text}`; } })
 * @see https://a2a-protocol.org/v1.0.0/specification/#3-a2a-protocol-operations
 */
export function defineAgent(input: AgentDefinitionInput): AgentDefinition {
  if (!NAME.test(input.name)) throw new TypeError(`agent name ${input.name} must be a lowercase slug`);
  if (input.skills.length === 0) throw new TypeError(`agent ${input.name} needs at least one skill`);
  const skills = input.skills.map((skill) => ({ ...skill, tags: skill.tags ?? [] }));
  if (input.defaultSkill && !skills.some((skill) => skill.id === input.defaultSkill)) {
    throw new TypeError(`default skill ${input.defaultSkill} is not one of agent ${input.name}'s skills`);
  }
  return { ...input, skills };
}

/** A progress update for `yield`. */
export function working(text: string, data?: unknown): StatusEvent {
  return { kind: 'status', parts: data === undefined ? [{ text }] : [{ text }, { data }] };
}

/** An artifact for `yield`; give `text`, `data` or `parts`. */
export function artifact(input: {
  id?: string;
  name?: string;
  description?: string;
  text?: string;
  data?: unknown;
  parts?: Part[];
  append?: boolean;
  lastChunk?: boolean;
}): ArtifactEvent {
  const parts: Part[] = input.parts ?? [];
  if (input.text !== undefined) parts.push({ text: input.text });
  if (input.data !== undefined) parts.push({ data: input.data });
  if (parts.length === 0) throw new TypeError('an artifact needs text, data or parts');
  const value: Artifact = { artifactId: input.id ?? input.name ?? crypto.randomUUID(), parts };
  if (input.name !== undefined) value.name = input.name;
  if (input.description !== undefined) value.description = input.description;
  return {
    kind: 'artifact',
    artifact: value,
    ...(input.append === undefined ? {} : { append: input.append }),
    ...(input.lastChunk === undefined ? {} : { lastChunk: input.lastChunk }),
  };
}

/** Thrown by `execute` to end the task as TASK_STATE_REJECTED. */
export class TaskRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TaskRejected';
  }
}

/** The task as the runtime last saw it (for agents that need more than the context). */
export type { Task };
