import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** Drafts and sent messages of one mail server. */
export class Mailbox {
  readonly drafts = new Map<string, { to: string[]; subject: string; body: string }>();
  readonly sent: Array<{ id: string; to: string[]; subject: string; body: string }> = [];
}

/** The `mail` demo MCP server: drafts and "sends" messages by recording them. */
export function createMailServer(options: { mailbox: Mailbox }): McpServer {
  const server = new McpServer({ name: 'mail', version: '0.1.0' });
  const { mailbox } = options;
  const message = z.object({ to: z.array(z.string().email()).min(1), subject: z.string().min(1), body: z.string() });
  server.registerTool(
    'draft_email',
    {
      description: 'Create an email draft; returns its id.',
      inputSchema: message,
      annotations: { readOnlyHint: false },
    },
    async (draft) => {
      const id = `draft-${mailbox.drafts.size + 1}`;
      mailbox.drafts.set(id, draft);
      return { content: [{ type: 'text', text: `Draft ${id} created` }], structuredContent: { draftId: id } };
    },
  );
  server.registerTool(
    'send_email',
    {
      description: 'Send a draft (by id) or a new message.',
      inputSchema: z.object({
        draftId: z.string().optional(),
        to: z.array(z.string().email()).optional(),
        subject: z.string().optional(),
        body: z.string().optional(),
      }),
      annotations: { destructiveHint: true },
    },
    async ({ draftId, to, subject, body }) => {
      const draft = draftId
        ? mailbox.drafts.get(draftId)
        : to && subject
          ? { to, subject, body: body ?? '' }
          : undefined;
      if (!draft)
        return {
          isError: true,
          content: [{ type: 'text', text: draftId ? `no draft ${draftId}` : 'give a draftId or to+subject' }],
        };
      const id = `msg-${mailbox.sent.length + 1}`;
      mailbox.sent.push({ id, ...draft });
      if (draftId) mailbox.drafts.delete(draftId);
      return {
        content: [{ type: 'text', text: `Sent ${id} to ${draft.to.join(', ')}` }],
        structuredContent: { messageId: id },
      };
    },
  );
  server.registerResource(
    'outbox',
    'mail://outbox',
    { description: 'Messages sent so far', mimeType: 'application/json' },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(mailbox.sent) }],
    }),
  );
  return server;
}
