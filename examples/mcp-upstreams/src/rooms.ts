import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ROOMS } from './fixtures.ts';

/** Room bookings, shared by every connection of one rooms server. */
export class RoomBookings {
  readonly bookings: Array<{ id: string; room: string; date: string; title: string; bookedAt: string }> = [];
  isFree(room: string, date: string): boolean {
    return !this.bookings.some((b) => b.room === room && b.date === date);
  }
}

/** The `rooms` demo MCP server: meeting rooms with capacities, bookable by day. */
export function createRoomsServer(options: { bookings: RoomBookings; now: () => Date }): McpServer {
  const server = new McpServer({ name: 'rooms', version: '0.1.0' });
  const { bookings } = options;
  server.registerTool(
    'search_rooms',
    {
      description: 'Find rooms with at least the given capacity that are free on a date.',
      inputSchema: z.object({ capacity: z.number().int().min(1), date: z.string().describe('YYYY-MM-DD') }),
      annotations: { readOnlyHint: true },
    },
    async ({ capacity, date }) => {
      const rooms = ROOMS.filter((r) => r.capacity >= capacity && bookings.isFree(r.id, date));
      return { content: [{ type: 'text', text: JSON.stringify(rooms) }], structuredContent: { rooms } };
    },
  );
  server.registerTool(
    'book_room',
    {
      description: 'Book a room for a whole day.',
      inputSchema: z.object({ room: z.string(), date: z.string().describe('YYYY-MM-DD'), title: z.string().min(1) }),
      annotations: { destructiveHint: false, idempotentHint: false },
    },
    async ({ room, date, title }) => {
      if (!ROOMS.some((r) => r.id === room))
        return { isError: true, content: [{ type: 'text', text: `no room ${room}` }] };
      if (!bookings.isFree(room, date))
        return { isError: true, content: [{ type: 'text', text: `${room} is already booked on ${date}` }] };
      const booking = {
        id: `bk-${bookings.bookings.length + 1}`,
        room,
        date,
        title,
        bookedAt: options.now().toISOString(),
      };
      bookings.bookings.push(booking);
      return {
        content: [{ type: 'text', text: `Booked ${room} on ${date} (${booking.id})` }],
        structuredContent: { booking },
      };
    },
  );
  return server;
}
