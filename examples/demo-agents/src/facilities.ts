import { type AgentDefinition, artifact, defineAgent, TaskRejected, working } from '@parley/a2a';
import { type Gateway, openGatewayTools } from './gateway-tools.ts';
import { datesIn, findInData, headCount, messageText } from './inputs.ts';

interface Room {
  id: string;
  name: string;
  capacity: number;
}

/** Facilities: finds and books a room for a group on a date (booking waits for a human). */
export function facilitiesAgent(gateway: Gateway): AgentDefinition {
  return defineAgent({
    name: 'facilities',
    card: { description: 'Finds and books meeting rooms and venues for groups.' },
    skills: [
      {
        id: 'book_room',
        name: 'Book a room',
        description: 'Finds a free meeting room with enough seats for a group on a given date and books it.',
        tags: ['room', 'rooms', 'booking', 'book', 'venue', 'capacity', 'people', 'facilities', 'offsite'],
        examples: ['book a room for 8 people on 2026-12-02', 'reserve a meeting room for the team offsite'],
      },
    ],
    async *execute(ctx) {
      const people = headCount(ctx.text);
      if (!people) throw new TaskRejected('Say how many people the room is for, e.g. "a room for 8 people".');
      let date = findInData<string>(ctx.message, 'date') ?? datesIn(ctx.text)[0];
      if (!date) {
        const answer = await ctx.requestInput(
          `Which date should I book the room for ${people} people on? (YYYY-MM-DD)`,
        );
        date = findInData<string>(answer, 'date') ?? datesIn(messageText(answer))[0];
        if (!date) throw new TaskRejected('No date was given for the booking.');
      }
      const tools = await openGatewayTools(ctx, gateway);
      try {
        yield working(`Looking for a room for ${people} on ${date}`);
        const search = await tools.call('rooms.search_rooms', { capacity: people, date });
        const rooms = ((search.structured?.rooms ?? []) as Room[]).sort((a, b) => a.capacity - b.capacity);
        const room = rooms[0];
        if (!room) throw new TaskRejected(`No room for ${people} people is free on ${date}.`);
        yield working(`Booking ${room.name} (${room.capacity} seats) on ${date}; this needs your approval`);
        const booked = await tools.call('rooms.book_room', { room: room.id, date, title: 'Team offsite' });
        const booking = booked.structured?.booking as { id: string } | undefined;
        const summary = `Booked ${room.name} (${room.capacity} seats) for ${people} people on ${date}${booking ? ` (booking ${booking.id})` : ''}.`;
        yield artifact({
          name: 'room-booking',
          text: summary,
          data: { room: room.name, roomId: room.id, capacity: room.capacity, date, booking },
        });
        return summary;
      } finally {
        await tools.close();
      }
    },
  });
}
