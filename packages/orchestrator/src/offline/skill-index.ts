import type { AgentCandidate, AgentSkill } from '../ports/agent-directory.ts';
import { type Bm25Hit, Bm25Index } from './bm25.ts';
import { argumentWords, terms } from './text.ts';

/** A skill of an agent, the unit the offline planner assigns work to. */
export interface SkillRef {
  readonly agent: AgentCandidate;
  readonly skill: AgentSkill;
}

/** A ranked skill for a sub-request. */
export type SkillMatch = Bm25Hit<SkillRef>;

/**
 * BM25 over every agent's skills. A skill's document is its name and tags
 * (counted twice: they are the most deliberate words on a card), its
 * description and examples, and its agent's name and description.
 */
export class SkillIndex {
  readonly #index: Bm25Index<SkillRef>;

  constructor(agents: readonly AgentCandidate[]) {
    this.#index = new Bm25Index(
      agents.flatMap((agent) =>
        agent.skills.map((skill) => ({
          key: { agent, skill },
          terms: [
            ...terms(`${skill.name} ${skill.id.replace(/[_.]/g, ' ')} ${skill.tags.join(' ')}`),
            ...terms(`${skill.name} ${skill.tags.join(' ')}`),
            ...terms(skill.description),
            ...terms((skill.examples ?? []).join(' ')),
            ...terms(`${agent.name} ${agent.description}`),
          ],
        })),
      ),
    );
  }

  /**
   * Skills for `text`, best first. Names, numbers, days and months are the
   * request's arguments, which no card lists: they may score but do not
   * lower a skill's coverage.
   */
  rank(text: string): SkillMatch[] {
    return this.#index.search(terms(text), new Set(terms(argumentWords(text).join(' '))));
  }
}
