import { type AgentDefinition, artifact, defineAgent, TaskRejected, working } from '@parley/a2a';
import { type Gateway, openGatewayTools } from './gateway-tools.ts';
import { datesIn, findInData } from './inputs.ts';

interface Attendee {
  name: string;
  email: string;
}

/** Comms: drafts and sends announcements by mail (sending waits for a human). */
export function commsAgent(gateway: Gateway): AgentDefinition {
  return defineAgent({
    name: 'comms',
    card: { description: 'Writes and sends announcements and messages to people by email.' },
    skills: [
      {
        id: 'send_announcement',
        name: 'Send an announcement',
        description: 'Drafts an announcement email from the details it is given and sends it to the attendees.',
        tags: ['email', 'mail', 'announce', 'announcement', 'send', 'message', 'notify', 'invite'],
        examples: ['email the announcement to the team', 'send an invitation to everyone'],
      },
    ],
    async *execute(ctx) {
      const attendees = findInData<Attendee[]>(ctx.message, 'attendees') ?? [];
      const recipients = attendees.map((a) => a.email).filter((email) => email.includes('@'));
      if (recipients.length === 0)
        throw new TaskRejected('No recipients: give the attendees and their email addresses.');
      const date = findInData<string>(ctx.message, 'date') ?? datesIn(ctx.text)[0];
      const room = findInData<string>(ctx.message, 'room');
      const subject = `Team offsite${date ? ` on ${date}` : ''}`;
      const body = [
        `Hi ${attendees.map((a) => a.name.split(' ')[0]).join(', ')},`,
        '',
        `Our team offsite is ${date ? `on ${date}` : 'coming up'}${room ? ` in ${room}` : ''}. Please keep the day free.`,
        '',
        'See you there!',
      ].join('\n');
      const tools = await openGatewayTools(ctx, gateway);
      try {
        yield working(`Drafting the announcement to ${recipients.length} people`);
        const draft = await tools.call('mail.draft_email', { to: recipients, subject, body });
        const draftId = (draft.structured?.draftId ?? draft.structured?.id) as string | undefined;
        yield working(`Sending "${subject}"; this needs your approval`);
        const sent = await tools.call('mail.send_email', draftId ? { draftId } : { to: recipients, subject, body });
        const messageId = sent.structured?.messageId as string | undefined;
        const summary = `Sent "${subject}" to ${recipients.join(', ')}${messageId ? ` (${messageId})` : ''}.`;
        yield artifact({ name: 'announcement', text: summary, data: { subject, recipients, messageId, body } });
        return summary;
      } finally {
        await tools.close();
      }
    },
  });
}
