import type { AgentCandidate } from '../ports/agent-directory.ts';

const base = 'http://127.0.0.1:7070/a2a';

/** Cards shaped like the demo mesh's three agents (scheduler, facilities, comms), for tests and benches. */
export const DEMO_AGENTS: readonly AgentCandidate[] = [
  {
    name: 'scheduler',
    description: 'Finds times that work for everyone, using their calendars.',
    url: `${base}/scheduler`,
    audience: `${base}/scheduler`,
    skills: [
      {
        id: 'find_common_slot',
        name: 'Find a common free slot',
        description: "Finds a day and time when all attendees are free, from their calendars' availability.",
        tags: ['calendar', 'availability', 'scheduling', 'free', 'meeting'],
        examples: ['find a day everyone on the platform team is free next week', 'when are Alice and Bob both free?'],
      },
      {
        id: 'create_event',
        name: 'Create a calendar event',
        description: 'Adds an event to the attendees calendars.',
        tags: ['calendar', 'event', 'invite'],
        examples: ['put the offsite on everyone calendar'],
      },
    ],
  },
  {
    name: 'facilities',
    description: 'Books meeting rooms and venues.',
    url: `${base}/facilities`,
    audience: `${base}/facilities`,
    skills: [
      {
        id: 'book_room',
        name: 'Book a room',
        description: 'Reserves a meeting room with enough capacity for a given date.',
        tags: ['rooms', 'booking', 'reservation', 'capacity', 'venue'],
        examples: ['book a room for 8 people on Tuesday', 'reserve a meeting room for the offsite'],
      },
      {
        id: 'list_rooms',
        name: 'List rooms',
        description: 'Lists rooms with their capacity and equipment.',
        tags: ['rooms', 'capacity'],
      },
    ],
  },
  {
    name: 'comms',
    description: 'Writes and sends messages to people and teams.',
    url: `${base}/comms`,
    audience: `${base}/comms`,
    skills: [
      {
        id: 'send_mail',
        name: 'Send mail',
        description: 'Writes and sends an email announcement to a person or a team.',
        tags: ['mail', 'email', 'announcement', 'notify'],
        examples: ['email the announcement to the platform team', 'send the team an invitation'],
      },
    ],
  },
];
