import { describe, expect, it } from 'vitest';
import { millisHex, randomHex, uuidv7 } from './time-ordered.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the milliseconds given', () => {
    const at = Date.UTC(2026, 10, 24, 7, 30);
    const id = uuidv7(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by time, and is unique within one millisecond', () => {
    const at = Date.now();
    const same = new Set(Array.from({ length: 10_000 }, () => uuidv7(at)));
    expect(same.size).toBe(10_000);
    for (const id of same) expect(id).toMatch(UUID_V7);
    expect(uuidv7(at + 1) > ([...same].sort().at(-1) ?? '')).toBe(true);
  });

  it('sets the variant bits whatever the random byte under them (all four variant digits occur)', () => {
    const digits = new Set(Array.from({ length: 2000 }, () => uuidv7().charAt(19)));
    expect([...digits].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});

describe('randomHex and millisHex', () => {
  it('gives fresh random bytes across refills of its pool', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => randomHex(16)));
    expect(seen.size).toBe(2000);
    for (const hex of seen) expect(hex).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes the time as 12 hex digits', () => {
    expect(millisHex(0)).toBe('000000000000');
    expect(millisHex(Date.UTC(2026, 0, 1))).toBe(Date.UTC(2026, 0, 1).toString(16).padStart(12, '0'));
  });
});
