// JSON for scripts: 64-bit integers as decimal strings (JSON numbers lose them past 2^53), dates as ISO text.
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

export function toJson(value: unknown): string {
  return JSON.stringify(toJsonValue(value), null, 2);
}
