export { createCalendarServer, freeSlots } from './calendar.ts';
export { demoToday, nextWeek, ROOMS, TEAM, teamCalendar } from './fixtures.ts';
export { createMailServer, Mailbox } from './mail.ts';
export { createRoomsServer, RoomBookings } from './rooms.ts';
export { type HttpUpstream, serveHttp } from './serve-http.ts';

/** Path of the stdio mail server's entry point, for `command: node, args: [this]`. */
export const mailStdioEntry: string = new URL('./mail-stdio.ts', import.meta.url).pathname;
