import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { type CalendarEvent, isoDate, nextWeek, TEAM, teamCalendar } from './fixtures.ts';

const WORKDAY = { start: 9 * 60, end: 17 * 60 };
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const toHhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Free intervals of `date` common to every attendee, at least `duration` minutes long. */
export function freeSlots(
  events: readonly CalendarEvent[],
  attendees: readonly string[],
  date: string,
  duration: number,
) {
  const busy = events
    .filter((e) => e.date === date && attendees.includes(e.person))
    .map((e) => [toMinutes(e.start), toMinutes(e.end)] as const)
    .sort((a, b) => a[0] - b[0]);
  const slots: Array<{ start: string; end: string }> = [];
  let cursor = WORKDAY.start;
  for (const [start, end] of busy) {
    if (start - cursor >= duration) slots.push({ start: toHhmm(cursor), end: toHhmm(start) });
    cursor = Math.max(cursor, end);
  }
  if (WORKDAY.end - cursor >= duration) slots.push({ start: toHhmm(cursor), end: toHhmm(WORKDAY.end) });
  return slots;
}

/** The `calendar` demo MCP server: the platform team's calendars for next week. */
export function createCalendarServer(options: { today: () => Date }): McpServer {
  const server = new McpServer({ name: 'calendar', version: '0.1.0' });
  const people = TEAM.map((p) => p.id) as [string, ...string[]];
  server.registerTool(
    'list_events',
    {
      description: 'List calendar events of team members between two dates (inclusive).',
      inputSchema: z.object({
        people: z.array(z.enum(people)).min(1).describe('team member ids'),
        from: z.string().describe('YYYY-MM-DD').optional(),
        to: z.string().describe('YYYY-MM-DD').optional(),
      }),
      annotations: { readOnlyHint: true },
    },
    async ({ people: who, from, to }) => {
      const week = nextWeek(options.today());
      const lo = from ?? week[0] ?? '';
      const hi = to ?? week[4] ?? '';
      const events = teamCalendar(options.today()).filter(
        (e) => who.includes(e.person) && e.date >= lo && e.date <= hi,
      );
      return { content: [{ type: 'text', text: JSON.stringify(events) }], structuredContent: { events } };
    },
  );
  server.registerTool(
    'find_free_slots',
    {
      description:
        'Find days and time slots when all attendees are free for the given duration (next week by default).',
      inputSchema: z.object({
        attendees: z.array(z.enum(people)).min(1),
        durationMinutes: z.number().int().min(15).max(480),
        from: z.string().describe('YYYY-MM-DD').optional(),
        to: z.string().describe('YYYY-MM-DD').optional(),
      }),
      annotations: { readOnlyHint: true },
    },
    async ({ attendees, durationMinutes, from, to }) => {
      const events = teamCalendar(options.today());
      const days = nextWeek(options.today()).filter((d) => (!from || d >= from) && (!to || d <= to));
      const result = days
        .map((date) => ({ date, slots: freeSlots(events, attendees, date, durationMinutes) }))
        .filter((day) => day.slots.length > 0);
      const text =
        result.length === 0
          ? 'No common free slot.'
          : result.map((d) => `${d.date}: ${d.slots.map((s) => `${s.start}-${s.end}`).join(', ')}`).join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { days: result } };
    },
  );
  server.registerResource(
    'team',
    'calendar://team',
    { description: 'The platform team', mimeType: 'application/json' },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify({ team: TEAM, week: nextWeek(options.today()), today: isoDate(options.today()) }),
        },
      ],
    }),
  );
  return server;
}
