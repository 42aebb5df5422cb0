import { useState } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { api } from '../api/client.ts';
import type { ConsoleAgent } from '../api/types.ts';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { ago, Badge, Time } from '../components/format.tsx';

const SIGNED_BY: Record<ConsoleAgent['signedBy'], string> = {
  mesh: 'signed by this mesh',
  tofu: 'key pinned on first use',
  jwks: 'key given by an administrator',
};

function AgentCard({ agent, onChanged }: { agent: ConsoleAgent; onChanged: () => void }) {
  const [error, setError] = useState<ApiError>();
  const accept = async () => {
    try {
      await api(`/api/a2a/agents/${encodeURIComponent(agent.name)}/accept`, { method: 'POST' });
      onChanged();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const titleId = `agent-${agent.name}`;
  return (
    <article className="card" aria-labelledby={titleId}>
      <header className="card-header">
        <h2 className="card-title" id={titleId}>
          {agent.name}
          {agent.card.version ? <span className="muted small"> v{agent.card.version}</span> : null}
        </h2>
        <span>
          <Badge tone="info">{agent.kind === 'local' ? 'in this mesh' : 'remote'}</Badge>{' '}
          {agent.status === 'active' ? <Badge tone="ok">active</Badge> : <Badge tone="warn">held</Badge>}
        </span>
      </header>
      {agent.card.description ? <p>{agent.card.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>Card</dt>
          <dd className="mono small">{agent.cardUrl}</dd>
        </div>
        <div>
          <dt>Signature</dt>
          <dd>
            <Badge tone={agent.status === 'active' ? 'ok' : 'warn'}>
              {agent.status === 'active' ? 'verified' : 'changed'}
            </Badge>{' '}
            {SIGNED_BY[agent.signedBy]}
          </dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>
            {agent.fetchedAt === null ? (
              'running now'
            ) : (
              <>
                <Time ms={agent.fetchedAt} /> <span className="muted">({ago(agent.fetchedAt)})</span>
              </>
            )}
          </dd>
        </div>
      </dl>
      {agent.heldReason ? <p className="notice notice-warn">Held: {agent.heldReason}</p> : null}
      <h3 className="label">Skills</h3>
      <ul className="skills">
        {(agent.card.skills ?? []).map((skill) => (
          <li key={skill.id}>
            <strong>{skill.name}</strong>
            {skill.description ? <span className="muted"> — {skill.description}</span> : null}
          </li>
        ))}
      </ul>
      {error ? <ApiErrorNotice error={error} what="this agent" /> : null}
      {agent.status === 'held' ? (
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => void accept()}>
            Accept changed card
          </button>
        </div>
      ) : null}
    </article>
  );
}

/** Agents: the mesh's own agents and the remote ones the registry trusts, their signed cards and skills. */
export function AgentsPage() {
  const agents = useApi('agents', (signal) => api<{ agents: ConsoleAgent[] }>('/api/console/agents', { signal }));
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Agents</h1>
        <p className="muted">
          The agents of this mesh and the registered remote ones: signed Agent Cards, their skills, and when a remote
          card was last fetched.
        </p>
      </div>
      {agents.error ? <ApiErrorNotice error={agents.error} what="the agent registry" /> : null}
      {!agents.data && !agents.error ? <Loading /> : null}
      {agents.data && agents.data.agents.length === 0 ? (
        <div className="empty">
          No agents. Register a remote one with <code>parley agents register URL</code>.
        </div>
      ) : null}
      <div className="grid">
        {agents.data?.agents.map((agent) => (
          <AgentCard key={agent.name} agent={agent} onChanged={agents.reload} />
        ))}
      </div>
    </section>
  );
}
