import type { EntityRef } from '../api/types.ts';

/** One hop of a delegation chain, as the console draws it. */
export interface ChainLink {
  readonly kind: string;
  readonly name: string;
}

/** `User::alice` or `User::"alice"` into its parts. */
export function parseEntityName(text: string): ChainLink {
  const match = /^([A-Za-z0-9_:]+?)::"?(.*?)"?$/.exec(text);
  return match ? { kind: match[1] ?? '', name: match[2] ?? '' } : { kind: '', name: text };
}

/**
 * The chain user -> agent -> ... -> target: the user acted for, the actors
 * (outermost first), the immediate caller, then the tool, skill or agent.
 */
export function chainOf(input: {
  onBehalfOf?: EntityRef | string | null | undefined;
  actorChain?: readonly string[] | undefined;
  principal?: EntityRef | string | null | undefined;
  target?: EntityRef | string | null | undefined;
}): ChainLink[] {
  const link = (value: EntityRef | string | null | undefined): ChainLink | undefined => {
    if (!value) return undefined;
    return typeof value === 'string' ? parseEntityName(value) : { kind: value.type, name: value.id };
  };
  const links = [
    link(input.onBehalfOf),
    ...[...(input.actorChain ?? [])].reverse().map((name) => ({ kind: 'Agent', name })),
    link(input.principal),
    link(input.target),
  ].filter((l): l is ChainLink => l !== undefined);
  return links.filter((l, i) => i === 0 || l.name !== links[i - 1]?.name);
}

/** Draws a chain as labelled steps joined by arrows. */
export function ActorChain({ links, label = 'Actor chain' }: { links: readonly ChainLink[]; label?: string }) {
  return (
    <ol className="chain" aria-label={label}>
      {links.map((link, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a name may recur in a chain; its place is its identity.
        <li key={`${link.kind}:${link.name}:${i}`} className={`chain-link chain-${link.kind.toLowerCase()}`}>
          <span className="chain-kind">{link.kind}</span>
          <span className="chain-name">{link.name}</span>
        </li>
      ))}
    </ol>
  );
}
