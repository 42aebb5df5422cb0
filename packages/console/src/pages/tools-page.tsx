import { useState } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { api } from '../api/client.ts';
import type { McpServer, McpTool, QuarantinedTool } from '../api/types.ts';
import { useApi } from '../app/use-api.ts';
import { ApiErrorNotice, Loading } from '../components/api-error-notice.tsx';
import { DefinitionDiff } from '../components/definition-diff.tsx';
import { Badge, Time } from '../components/format.tsx';

function Quarantined({ item, onAccepted }: { item: QuarantinedTool; onAccepted: () => void }) {
  const [error, setError] = useState<ApiError>();
  const name = `${item.server}.${item.tool}`;
  const accept = async () => {
    try {
      await api(`/api/mcp/tools/${encodeURIComponent(name)}/accept`, { method: 'POST' });
      onAccepted();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <article className="card card-warn" aria-labelledby={`q-${name}`}>
      <header className="card-header">
        <h3 className="card-title" id={`q-${name}`}>
          {name}
        </h3>
        <Badge tone="warn">quarantined</Badge>
      </header>
      <p className="muted">
        The definition changed <Time ms={item.changedAt} />. It is hidden from clients and refused on call until
        accepted.
      </p>
      {item.diff.map((d) => (
        <DefinitionDiff key={d.field} field={d.field} pinned={d.pinned} changed={d.changed} />
      ))}
      {error ? <ApiErrorNotice error={error} what="this tool" /> : null}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={() => void accept()}>
          Accept change
        </button>
      </div>
    </article>
  );
}

/** Tools: upstream MCP servers, their pinned tools, and quarantined definition changes. */
export function ToolsPage() {
  const servers = useApi('servers', (signal) => api<{ servers: McpServer[] }>('/api/mcp/servers', { signal }));
  const tools = useApi('tools', (signal) => api<{ tools: McpTool[] }>('/api/mcp/tools', { signal }));
  const quarantined = useApi('quarantined', (signal) =>
    api<{ quarantined: QuarantinedTool[] }>('/api/mcp/tools', { query: { quarantined: 'true' }, signal }),
  );
  const refresh = () => {
    tools.reload();
    quarantined.reload();
  };
  return (
    <section aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Tools</h1>
        <p className="muted">
          Upstream MCP servers behind the gateway. Every tool definition is pinned; a changed one waits here.
        </p>
      </div>
      {servers.error ? <ApiErrorNotice error={servers.error} what="tool servers" /> : null}
      {!servers.data && !servers.error ? <Loading /> : null}
      {quarantined.data && quarantined.data.quarantined.length > 0 ? (
        <>
          <h2 className="section-title">Quarantined changes</h2>
          {quarantined.data.quarantined.map((q) => (
            <Quarantined key={`${q.server}.${q.tool}`} item={q} onAccepted={refresh} />
          ))}
        </>
      ) : null}
      {servers.data ? (
        <>
          <h2 className="section-title">Servers</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">Transport</th>
                <th scope="col">Target</th>
                <th scope="col">Status</th>
                <th scope="col">Tools</th>
              </tr>
            </thead>
            <tbody>
              {servers.data.servers.map((s) => (
                <tr key={s.name}>
                  <td>
                    <strong>{s.name}</strong> <span className="muted small">({s.source})</span>
                  </td>
                  <td>{s.transport}</td>
                  <td className="mono small">{s.target}</td>
                  <td>
                    <Badge tone={s.status === 'connected' || s.status === 'ready' ? 'ok' : 'warn'}>{s.status}</Badge>
                    {s.error ? <div className="small muted">{s.error}</div> : null}
                  </td>
                  <td>{s.tools}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {tools.data ? (
        <>
          <h2 className="section-title">Tools</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Tool</th>
                <th scope="col">Pin</th>
                <th scope="col">Digest</th>
                <th scope="col">Pinned</th>
              </tr>
            </thead>
            <tbody>
              {tools.data.tools.map((t) => (
                <tr key={t.name}>
                  <td className="mono">{t.name}</td>
                  <td>{t.quarantined ? <Badge tone="warn">quarantined</Badge> : <Badge tone="ok">pinned</Badge>}</td>
                  <td className="mono small" title={t.digest}>
                    {t.digest.slice(0, 16)}…
                  </td>
                  <td>
                    <Time ms={t.pinnedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
