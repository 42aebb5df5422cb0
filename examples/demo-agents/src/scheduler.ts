import { type AgentDefinition, artifact, defineAgent, TaskRejected, working } from '@parley/a2a';
import { type Gateway, type GatewayTools, openGatewayTools } from './gateway-tools.ts';
import { durationMinutes } from './inputs.ts';

interface TeamMember {
  id: string;
  name: string;
  email: string;
}

/** The scheduler: finds a day everyone is free, from the calendar tools. */
export function schedulerAgent(gateway: Gateway): AgentDefinition {
  return defineAgent({
    name: 'scheduler',
    card: { description: 'Finds days and times when a whole team is free, from their calendars.' },
    skills: [
      {
        id: 'find_common_free_day',
        name: 'Find a day everyone is free',
        description:
          'Reads the team calendars and finds the days next week when every team member is free for a meeting, an offsite or an event.',
        tags: ['calendar', 'schedule', 'availability', 'free', 'day', 'date', 'meeting', 'offsite', 'team'],
        examples: ['find a day everyone on the platform team is free next week', 'when is the whole team available?'],
      },
    ],
    async *execute(ctx) {
      const tools = await openGatewayTools(ctx, gateway);
      try {
        yield working('Reading the platform team and their calendars');
        const team = await readTeam(tools);
        const minutes = durationMinutes(ctx.text);
        const found = await tools.call('calendar.find_free_slots', {
          attendees: team.map((m) => m.id),
          durationMinutes: minutes,
        });
        const days = (found.structured?.days ?? []) as Array<{
          date: string;
          slots: Array<{ start: string; end: string }>;
        }>;
        const first = days[0];
        const slot = first?.slots[0];
        if (!first || !slot)
          throw new TaskRejected(`No day next week has ${minutes} free minutes for all ${team.length} people.`);
        const summary = `Everyone on the platform team (${team.map((m) => m.name).join(', ')}) is free on ${first.date} from ${slot.start} to ${slot.end}.`;
        yield artifact({
          name: 'free-day',
          text: summary,
          data: {
            date: first.date,
            start: slot.start,
            end: slot.end,
            attendees: team,
            otherDays: days.slice(1).map((d) => d.date),
          },
        });
        return summary;
      } finally {
        await tools.close();
      }
    },
  });
}

async function readTeam(tools: GatewayTools): Promise<TeamMember[]> {
  const parsed = JSON.parse(await tools.read('calendar://team')) as { team?: TeamMember[] };
  if (!parsed.team?.length) throw new TaskRejected('The calendar server lists no team members.');
  return parsed.team;
}
