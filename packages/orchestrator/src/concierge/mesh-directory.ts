import type { AgentDefinition, AgentRegistry } from '@parley/a2a';
import type { AgentCandidate, AgentDirectory } from '../ports/agent-directory.ts';

export interface MeshDirectoryOptions {
  baseUrl: string;
  /** Agents hosted in this mesh (served at `/a2a/<name>`). */
  localAgents: () => readonly AgentDefinition[];
  /** Remote agents registered in the mesh, reached through the proxy (resolved when asked). */
  registry?: () => AgentRegistry | undefined;
  /** Never delegate to these (the concierge itself). */
  exclude: readonly string[];
}

/**
 * The agents the concierge may delegate to, from their Agent Cards: the
 * mesh's own agents and the active (not held) registered ones, each reached
 * through Parley's proxy so every hop runs the pipeline.
 */
export function meshDirectory(options: MeshDirectoryOptions): AgentDirectory {
  const candidate = (name: string, description: string, skills: AgentCandidate['skills']): AgentCandidate => {
    const url = `${options.baseUrl}/a2a/${name}`;
    return { name, description, skills, url, audience: url };
  };
  return {
    async listAgents() {
      const local = options
        .localAgents()
        .filter((agent) => !options.exclude.includes(agent.name))
        .map((agent) => candidate(agent.name, agent.card.description, agent.skills.map(toSkill)));
      const remote = (await options.registry?.()?.list()) ?? [];
      return [
        ...local,
        ...remote
          .filter((agent) => agent.status === 'active' && !options.exclude.includes(agent.name))
          .map((agent) => candidate(agent.name, agent.card.description, agent.card.skills.map(toSkill))),
      ];
    },
  };
}

function toSkill(skill: {
  id: string;
  name: string;
  description: string;
  tags?: string[] | undefined;
  examples?: string[] | undefined;
}) {
  return {
    id: skill.id,
    name: skill.name,
    description: skill.description,
    tags: skill.tags ?? [],
    ...(skill.examples ? { examples: skill.examples } : {}),
  };
}
