import type { AgentSkill } from '../wire/schemas/agent-card.ts';

/**
 * Picks the skill a message is for: the skill named by `metadata.skillId`
 * (on the message, else on the request); else the agent's only skill; else
 * the skill sharing the most words with the message text (name, tags,
 * description, examples); else the agent's default skill, else its first.
 * An unknown `skillId` is an error (`undefined`), not a silent fallback.
 */
export function selectSkill(
  skills: readonly AgentSkill[],
  input: { skillId?: unknown; text: string; defaultSkill?: string | undefined },
): AgentSkill | undefined {
  if (typeof input.skillId === 'string') return skills.find((skill) => skill.id === input.skillId);
  const [only] = skills;
  if (skills.length === 1) return only;
  const fallback = skills.find((skill) => skill.id === input.defaultSkill) ?? only;
  const words = new Set(tokens(input.text));
  if (words.size === 0) return fallback;
  let best: AgentSkill | undefined;
  let bestScore = 0;
  for (const skill of skills) {
    const vocabulary = new Set(
      tokens([skill.id, skill.name, skill.description, ...skill.tags, ...(skill.examples ?? [])].join(' ')),
    );
    let score = 0;
    for (const word of words) if (vocabulary.has(word)) score++;
    if (score > bestScore) {
      best = skill;
      bestScore = score;
    }
  }
  return best ?? fallback;
}

const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'to',
  'for',
  'of',
  'in',
  'on',
  'me',
  'my',
  'please',
  'with',
]);

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}
