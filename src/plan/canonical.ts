/**
 * Stable JSON: a deep copy whose object keys follow one stated order, whatever order the objects were built in.
 * Keys the order does not name come after the named ones, alphabetically, so a field added to a type later is
 * kept (and shows up in review and in schema validation) rather than silently dropped by a hand-written copy.
 */
export function canonicalize(value: unknown, order: readonly string[]): unknown {
  const rank = new Map(order.map((key, index) => [key, index]));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    keys.sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((k) => [k, walk((v as Record<string, unknown>)[k])]));
  };
  return walk(value);
}
