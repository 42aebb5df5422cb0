import { useEffect, useId, useState } from 'react';
import type { ApiError } from '../api/api-error.ts';
import { api } from '../api/client.ts';
import type { PolicyDocument, PolicyProblem } from '../api/types.ts';
import { ApiErrorNotice } from './api-error-notice.tsx';

const TEMPLATE = `// A stored policy document. Saved documents are validated, then in force at once.
@id("team-example")
forbid (principal, action == Action::"tools/call", resource == Tool::"mail.send_email")
when { context has onBehalfOf && context.onBehalfOf == User::"mallory" };
`;

/** Validates as the person types; the server's validator is the one that decides. */
function useValidation(name: string, text: string) {
  const [problems, setProblems] = useState<readonly PolicyProblem[]>([]);
  const [checked, setChecked] = useState<'idle' | 'checking' | 'ok' | 'invalid'>('idle');
  useEffect(() => {
    if (!text.trim()) {
      setProblems([]);
      setChecked('idle');
      return;
    }
    setChecked('checking');
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api<{ ok: boolean; problems: PolicyProblem[] }>('/api/policies/validate', {
        method: 'POST',
        body: name ? { name, text } : { text },
        signal: controller.signal,
      }).then(
        (result) => {
          setProblems(result.problems);
          setChecked(result.ok ? 'ok' : 'invalid');
        },
        () => setChecked('idle'),
      );
    }, 400);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [name, text]);
  return { problems, checked };
}

/** Edits one stored policy document, with the validator's problems shown by line under the editor. */
export function PolicyEditor(props: { documents: readonly PolicyDocument[]; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [text, setText] = useState(TEMPLATE);
  const [saveError, setSaveError] = useState<ApiError>();
  const [saved, setSaved] = useState<string>();
  const { problems, checked } = useValidation(name, text);
  const editorId = useId();
  const problemsId = useId();

  const open = async (docName: string) => {
    setSaved(undefined);
    setSaveError(undefined);
    if (!docName) {
      setName('');
      setText(TEMPLATE);
      return;
    }
    const doc = await api<PolicyDocument>(`/api/policies/${encodeURIComponent(docName)}`);
    setName(doc.name);
    setText(doc.text ?? '');
  };
  const save = async () => {
    setSaved(undefined);
    setSaveError(undefined);
    try {
      await api(`/api/policies/${encodeURIComponent(name)}`, { method: 'PUT', body: { text } });
      setSaved(`Saved ${name}; it is in force now.`);
      props.onSaved();
    } catch (e) {
      setSaveError(e as ApiError);
    }
  };
  const lines = text.split('\n').length;
  return (
    <form
      className="card editor"
      aria-label="Policy editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="form-row">
        <label>
          Open
          <select
            value={props.documents.some((d) => d.name === name) ? name : ''}
            onChange={(e) => void open(e.target.value)}
          >
            <option value="">New document</option>
            {props.documents.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Document name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="team-rules"
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,127}"
            required
          />
        </label>
      </div>
      <label htmlFor={editorId} className="label">
        Cedar
      </label>
      <div className="code-editor">
        <pre className="gutter" aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => {
            const n = i + 1;
            const bad = problems.some((p) => p.line === n);
            return `${bad ? '●' : ' '}${String(n).padStart(3, ' ')}\n`;
          }).join('')}
        </pre>
        <textarea
          id={editorId}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
          rows={Math.max(10, lines + 1)}
          aria-invalid={checked === 'invalid'}
          aria-describedby={problemsId}
        />
      </div>
      <div id={problemsId} aria-live="polite">
        {checked === 'ok' ? <p className="valid">✓ Valid against the Parley schema.</p> : null}
        {checked === 'checking' ? <p className="muted">Checking…</p> : null}
        {problems.length > 0 ? (
          <ul className="problems" aria-label="Problems">
            {problems.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems are a fresh list per check.
              <li key={i}>
                <span className="problem-at">
                  {p.line ? `line ${p.line}${p.column ? `:${p.column}` : ''}` : (p.source ?? '')}
                </span>{' '}
                {p.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {saveError ? <ApiErrorNotice error={saveError} what="changing policies" /> : null}
      {saved ? (
        <p className="valid" role="status">
          {saved}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={!name || checked === 'invalid'}>
          Save
        </button>
      </div>
    </form>
  );
}
