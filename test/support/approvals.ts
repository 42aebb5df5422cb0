/** An approval as `/api/approvals` lists it. */
export interface Approval {
  id: string;
  state: string;
  action: string;
  resource: { type: string; id: string };
}

/** `Type::"id"` of the approval's resource. */
export const resourceOf = (approval: Approval) => `${approval.resource.type}::"${approval.resource.id}"`;

/** A JSON client for a running mesh's admin and console APIs, with the bootstrap admin key. */
export function adminApi(baseUrl: string, adminKey: string) {
  return async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...init.headers },
    });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

/**
 * Decides, as the admin, every approval that appears until `until` settles,
 * each once, the way a person watching the console would; returns them.
 */
export async function decideApprovals(
  api: ReturnType<typeof adminApi>,
  decision: 'approve' | 'deny',
  until: Promise<unknown>,
): Promise<Approval[]> {
  let settled = false;
  const stop = () => {
    settled = true;
  };
  void until.then(stop, stop);
  const decided: Approval[] = [];
  const seen = new Set<string>();
  // Bounded: at most 600 rounds of 250 ms.
  for (let round = 0; round < 600 && !settled; round++) {
    const { approvals } = await api<{ approvals: Approval[] }>('/api/approvals');
    for (const approval of approvals.filter((a) => a.state === 'pending' && !seen.has(a.id))) {
      seen.add(approval.id);
      await api(`/api/approvals/${approval.id}/${decision}`, { method: 'POST', body: '{}' });
      decided.push(approval);
    }
    await Promise.race([until.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 250))]);
  }
  return decided;
}
