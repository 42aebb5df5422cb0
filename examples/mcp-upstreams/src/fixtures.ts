/** The demo platform team. */
export const TEAM = [
  { id: 'alice', name: 'Alice Martin', email: 'alice@example.com' },
  { id: 'bob', name: 'Bob Chen', email: 'bob@example.com' },
  { id: 'carol', name: 'Carol Diaz', email: 'carol@example.com' },
  { id: 'dave', name: 'Dave Okafor', email: 'dave@example.com' },
  { id: 'erin', name: 'Erin Novak', email: 'erin@example.com' },
] as const;

export const ROOMS = [
  { id: 'atlas', name: 'Atlas', capacity: 4, floor: 2 },
  { id: 'borealis', name: 'Borealis', capacity: 8, floor: 3 },
  { id: 'cosmos', name: 'Cosmos', capacity: 12, floor: 3 },
  { id: 'delta', name: 'Delta', capacity: 20, floor: 1 },
] as const;

export interface CalendarEvent {
  person: string;
  title: string;
  /** ISO date `YYYY-MM-DD`. */
  date: string;
  /** `HH:MM`, 24 h. */
  start: string;
  end: string;
}

/** The Monday of the week after `today` (UTC dates). */
export function nextMonday(today: Date): Date {
  const day = today.getUTCDay();
  const offset = ((8 - day) % 7) + (day === 1 ? 7 : 0) || 7;
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset));
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The workdays of next week, Monday to Friday. */
export function nextWeek(today: Date): string[] {
  const monday = nextMonday(today);
  return [0, 1, 2, 3, 4].map((i) => isoDate(new Date(monday.getTime() + i * 86_400_000)));
}

/**
 * Next week's calendars. Deterministic: the same `today` gives the same week.
 * Everyone is free on Thursday afternoon and most of Wednesday, so "find a
 * day for the offsite" has an answer.
 */
export function teamCalendar(today: Date): CalendarEvent[] {
  const [mon, tue, wed, thu, fri] = nextWeek(today) as [string, string, string, string, string];
  const daily = (date: string) =>
    TEAM.map((p) => ({ person: p.id, title: 'Platform stand-up', date, start: '09:30', end: '09:45' }));
  return [
    ...[mon, tue, wed, thu, fri].flatMap(daily),
    { person: 'alice', title: 'Quarterly planning', date: mon, start: '10:00', end: '16:00' },
    { person: 'bob', title: 'On-call handover', date: mon, start: '13:00', end: '14:00' },
    { person: 'bob', title: 'Customer escalation review', date: tue, start: '10:00', end: '15:00' },
    { person: 'carol', title: 'Dentist', date: tue, start: '14:00', end: '16:00' },
    { person: 'dave', title: 'Security training', date: wed, start: '09:00', end: '10:30' },
    { person: 'erin', title: 'Hiring panel', date: thu, start: '10:00', end: '12:00' },
    { person: 'alice', title: '1:1 with Erin', date: thu, start: '09:00', end: '09:30' },
    { person: 'carol', title: 'Vendor call', date: fri, start: '11:00', end: '12:00' },
    { person: 'dave', title: 'Release freeze', date: fri, start: '09:00', end: '17:00' },
  ];
}

/** `PARLEY_DEMO_TODAY` (YYYY-MM-DD) or the real date. */
export function demoToday(env: Readonly<Record<string, string | undefined>> = process.env): Date {
  const fixed = env.PARLEY_DEMO_TODAY;
  return fixed ? new Date(`${fixed}T00:00:00Z`) : new Date();
}
