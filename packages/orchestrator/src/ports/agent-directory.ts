/**
 * A skill as an Agent Card declares it.
 * @see https://a2a-protocol.org/latest/specification/#445-agentskill
 */
export interface AgentSkill {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly examples?: readonly string[];
}

/**
 * A remote agent the orchestrator may delegate to: its card's name,
 * description and skills, where it answers, and the audience a token for it
 * must carry.
 * @see https://a2a-protocol.org/latest/specification/#441-agentcard
 */
export interface AgentCandidate {
  /** The registry name (`scheduler`), which plans refer to. */
  readonly name: string;
  readonly description: string;
  readonly skills: readonly AgentSkill[];
  /** The A2A endpoint. */
  readonly url: string;
  /** The resource a token for this agent is bound to (RFC 8707). */
  readonly audience: string;
}

/**
 * Port: lists the agents the orchestrator may delegate to, for this user.
 * Implemented over the A2A registry at integration.
 */
export interface AgentDirectory {
  listAgents(signal?: AbortSignal): Promise<readonly AgentCandidate[]>;
}

/** A directory over a fixed list, for tests and embedding. */
export function staticAgentDirectory(agents: readonly AgentCandidate[]): AgentDirectory {
  return { listAgents: async () => agents };
}
