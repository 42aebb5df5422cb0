import type { ReactElement } from 'react';
import { ActivityPage } from '../pages/activity-page.tsx';
import { AgentsPage } from '../pages/agents-page.tsx';
import { ApprovalPage } from '../pages/approval-page.tsx';
import { ApprovalsPage } from '../pages/approvals-page.tsx';
import { AuditPage } from '../pages/audit-page.tsx';
import { NotFoundPage } from '../pages/not-found-page.tsx';
import { OverviewPage } from '../pages/overview-page.tsx';
import { PoliciesPage } from '../pages/policies-page.tsx';
import { ToolsPage } from '../pages/tools-page.tsx';
import { TracePage } from '../pages/trace-page.tsx';

/** The console's sections, in navigation order. */
export const SECTIONS = [
  { id: 'overview', label: 'Overview', href: '/console' },
  { id: 'approvals', label: 'Approvals', href: '/console/approvals' },
  { id: 'activity', label: 'Activity', href: '/console/activity' },
  { id: 'agents', label: 'Agents', href: '/console/agents' },
  { id: 'tools', label: 'Tools', href: '/console/tools' },
  { id: 'policies', label: 'Policies', href: '/console/policies' },
  { id: 'audit', label: 'Audit', href: '/console/audit' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

/** The page for a path, and the section it belongs to. */
export function routeFor(path: string): { section: SectionId | undefined; element: ReactElement } {
  const approval = /^\/console\/approvals\/([^/]+)$/.exec(path);
  if (approval?.[1]) return { section: 'approvals', element: <ApprovalPage id={decodeURIComponent(approval[1])} /> };
  const trace = /^\/console\/activity\/([0-9a-fA-F]{32})$/.exec(path);
  if (trace?.[1]) return { section: 'activity', element: <TracePage traceId={trace[1]} /> };
  switch (path) {
    case '/console':
      return { section: 'overview', element: <OverviewPage /> };
    case '/console/approvals':
      return { section: 'approvals', element: <ApprovalsPage /> };
    case '/console/activity':
      return { section: 'activity', element: <ActivityPage /> };
    case '/console/agents':
      return { section: 'agents', element: <AgentsPage /> };
    case '/console/tools':
      return { section: 'tools', element: <ToolsPage /> };
    case '/console/policies':
      return { section: 'policies', element: <PoliciesPage /> };
    case '/console/audit':
      return { section: 'audit', element: <AuditPage /> };
    default:
      return { section: undefined, element: <NotFoundPage /> };
  }
}
