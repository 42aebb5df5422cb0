import type { CedarValueJson } from '../cedar/cedar.ts';

/** Nesting deeper than this is passed as its JSON text, so a hostile argument cannot make evaluation expensive. */
const MAX_DEPTH = 8;
/** Cedar `decimal`: at most four fractional digits, within a signed 64-bit range scaled by 10⁴. */
const DECIMAL_LIMIT = 922_337_203_685_477;
/** Keys Cedar's JSON format reads as escapes (`{"__entity": …}`); a caller must not smuggle them in. */
const RESERVED_KEYS = new Set(['__entity', '__extn', '__expr']);

/**
 * Converts an arbitrary JSON value (tool arguments, message content) into a
 * Cedar value:
 * - string and boolean stay as they are; integers that are safe in
 *   JavaScript become `Long`;
 * - other finite numbers become `decimal`, rounded to four fractional digits
 *   (compare them with `.greaterThan(decimal("1.5"))`); numbers outside the
 *   decimal range become strings of their JSON form;
 * - objects become records and arrays become sets (order and duplicates are
 *   lost, which policies about membership do not need);
 * - `null` has no Cedar counterpart: a null member is left out (so `has` is
 *   false) and a null set element is dropped;
 * - members named `__entity`, `__extn` or `__expr` are left out, and values
 *   nested deeper than eight levels are passed as their JSON text.
 * Returns undefined for values that have no Cedar form.
 * @see https://docs.cedarpolicy.com/auth/entities-syntax.html#attrs
 */
export function toCedarValue(value: unknown, depth = 0): CedarValueJson | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return numberToCedar(value);
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return JSON.stringify(value);
  if (Array.isArray(value)) {
    const elements: CedarValueJson[] = [];
    for (const element of value) {
      const converted = toCedarValue(element, depth + 1);
      if (converted !== undefined) elements.push(converted);
    }
    return elements;
  }
  return toCedarRecord(value as Record<string, unknown>, depth);
}

/** Converts a JSON object to a Cedar record, member by member (see {@link toCedarValue}). */
export function toCedarRecord(value: Readonly<Record<string, unknown>>, depth = 0): { [key: string]: CedarValueJson } {
  const record: { [key: string]: CedarValueJson } = {};
  for (const [key, member] of Object.entries(value)) {
    if (RESERVED_KEYS.has(key)) continue;
    const converted = toCedarValue(member, depth + 1);
    if (converted !== undefined) record[key] = converted;
  }
  return record;
}

function numberToCedar(value: number): CedarValueJson | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (Number.isSafeInteger(value)) return value;
  if (Math.abs(value) >= DECIMAL_LIMIT) return JSON.stringify(value);
  return { __extn: { fn: 'decimal', arg: formatDecimal(value) } };
}

function formatDecimal(value: number): string {
  const fixed = (Math.round(Math.abs(value) * 10_000) / 10_000).toFixed(4);
  const trimmed = fixed.replace(/0{1,3}$/, '');
  return value < 0 && Number(trimmed) !== 0 ? `-${trimmed}` : trimmed;
}
