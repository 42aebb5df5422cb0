import { describe, expect, it } from 'vitest';
import { canonicalDigest, canonicalJson } from './canonical.ts';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts members by UTF-16 code units and drops whitespace', () => {
    // RFC 8785 §3.2.3 sorting example: keys with non-ASCII characters.
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serializes numbers in ECMAScript form', () => {
    expect(canonicalJson([1e21, 1e-7, -0, Number('333333333.33333329'), 4.5])).toBe(
      '[1e+21,1e-7,0,333333333.3333333,4.5]',
    );
  });

  it('gives the same digest for the same value written in another order', () => {
    expect(canonicalDigest({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe(
      canonicalDigest({ a: 'x', b: [1, { c: 2, d: 1 }] }),
    );
    expect(canonicalDigest({ a: 1 })).not.toBe(canonicalDigest({ a: 2 }));
  });

  it('leaves out undefined and function members, writes undefined array items as null, and follows toJSON', () => {
    const value = { b: undefined, a: [undefined, 1], f: () => 1, d: new Date(0), n: null, nested: { z: true, y: 'é' } };
    expect(canonicalJson(value)).toBe(
      '{"a":[null,1],"d":"1970-01-01T00:00:00.000Z","n":null,"nested":{"y":"é","z":true}}',
    );
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson({ a: [Symbol('s')] })).toThrow(TypeError);
    expect(() => canonicalJson([() => 1])).toThrow(TypeError);
  });
});
