import type { Generated } from 'kysely';

/** One A2A task (local agent's, or one the proxy holds for approval). */
export interface A2aTasksTable {
  id: string;
  /** The agent (its name in the mesh) the task belongs to. */
  agent: string;
  /** Owner key: authenticated principal + on-behalf-of user. */
  owner: string;
  context_id: string;
  state: string;
  /** The full Task as A2A 1.0 JSON (history and artifacts included). */
  task: string;
  /** Event sequence number, raised by every change. */
  seq: number;
  created_at: number;
  updated_at: number;
}

/** A push-notification config of a task. */
export interface A2aPushConfigsTable {
  agent: string;
  task_id: string;
  id: string;
  owner: string;
  /** TaskPushNotificationConfig JSON. */
  config: string;
  /** The protocol version of the client that created it (`1.0` | `0.3`): the shape notifications are sent in. */
  protocol_version: Generated<string>;
  created_at: number;
}

/** One notification Parley sent or will send; (config, seq) is unique so nothing is delivered twice. */
export interface A2aPushDeliveriesTable {
  jti: string;
  agent: string;
  task_id: string;
  config_id: string;
  seq: number;
  /** pending | delivered | failed */
  status: string;
  attempts: number;
  created_at: number;
  updated_at: number;
}

/** A remote agent in the registry. */
export interface A2aAgentsTable {
  name: string;
  url: string;
  /** The verified card in force (JSON). */
  card: string;
  card_digest: string;
  /** Pinned public keys, a JWKS JSON. */
  jwks: string;
  /** active | held */
  status: string;
  /** The changed card awaiting acceptance (JSON), when held. */
  pending_card: string | null;
  pending_jwks: string | null;
  /** The URL and key source of a replacing registration awaiting acceptance. */
  pending_url: Generated<string | null>;
  pending_key_source: Generated<string | null>;
  held_reason: string | null;
  /** How the keys were obtained: tofu | jwks | key */
  key_source: string;
  fetched_at: number;
  created_at: number;
  updated_at: number;
}

/** Which caller owns a task on a remote agent, as the proxy saw it created. */
export interface A2aRemoteTasksTable {
  agent: string;
  task_id: string;
  owner: string;
  created_at: number;
}

/** The key a hosted agent (or `parley-proxy`, `parley-push`) signs with. */
export interface A2aAgentKeysTable {
  name: string;
  kid: string;
  /** The private JWK (JSON). */
  private_jwk: string;
  /** identity: the agent's registered private_key_jwt key | generated: a key of the a2a part's own */
  source: string;
  created_at: number;
  updated_at: number;
}

/**
 * The latest signatures over a card served at `url` with key `key_name`:
 * ECDSA signatures differ at every signing, so they are kept to serve the
 * same signed card after a restart.
 */
export interface A2aCardSignaturesTable {
  key_name: string;
  url: string;
  /** sha256 of kid, jku and the canonical card the signatures cover. */
  digest: string;
  /** The card's `signatures` (JSON). */
  signatures: string;
  created_at: number;
}

/** A task the proxy holds until its approval is decided; what resuming the wait after a restart needs. */
export interface A2aHeldTasksTable {
  agent: string;
  task_id: string;
  approval_id: string;
  skill_id: string;
  /** The Caller JSON without its bearer credential. */
  caller: string;
  /** The GuardedAction JSON the approval is bound to. */
  action: string;
  /** The SendMessageRequest JSON. */
  request: string;
  created_at: number;
}

/** The a2a part's tables; owned by @parley/a2a. */
export interface A2aTables {
  a2a_tasks: A2aTasksTable;
  a2a_push_configs: A2aPushConfigsTable;
  a2a_push_deliveries: A2aPushDeliveriesTable;
  a2a_agents: A2aAgentsTable;
  a2a_remote_tasks: A2aRemoteTasksTable;
  a2a_agent_keys: A2aAgentKeysTable;
  a2a_held_tasks: A2aHeldTasksTable;
  a2a_card_signatures: A2aCardSignaturesTable;
}
