import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25.ts';
import { stem, terms } from './text.ts';

describe('BM25', () => {
  const index = new Bm25Index([
    { key: 'rooms', terms: terms('book a meeting room, room booking, reserve rooms') },
    { key: 'calendar', terms: terms('find a free slot in the calendars of the attendees') },
    { key: 'mail', terms: terms('send an e-mail announcement to the team') },
  ]);

  it('ranks the document sharing the rarest words first', () => {
    expect(index.search(terms('booking rooms for the offsite')).map((hit) => hit.key)).toEqual(['rooms']);
    expect(index.search(terms('email the announcement'))[0]?.key).toBe('mail');
  });

  it('reports how much of the query a hit covers', () => {
    const [hit] = index.search(terms('book a room and order pizza'));
    expect(hit?.key).toBe('rooms');
    expect(hit?.coverage).toBeGreaterThan(0.3);
    expect(hit?.coverage).toBeLessThan(0.8);
  });

  it('returns nothing for unrelated words', () => {
    expect(index.search(terms('weather in Paris'))).toEqual([]);
  });

  it('stems inflections to one term', () => {
    expect(new Set(['booking', 'booked', 'books', 'book'].map(stem))).toEqual(new Set(['book']));
    expect(stem('announcement')).toBe(stem('announcing'));
    expect(stem('scheduling')).toBe(stem('schedule'));
  });
});
