// JSON for scripts and the API: 64-bit integers as decimal strings (JSON numbers lose them
// past 2^53), dates as ISO text. `Jsonified<T>` is the type a value of T becomes.
export type Jsonified<T> = T extends bigint
  ? string
  : T extends BigUint64Array
    ? string[]
    : T extends Date
      ? string
      : T extends (infer U)[]
        ? Jsonified<U>[]
        : T extends object
          ? { [K in keyof T]: Jsonified<T[K]> }
          : T;

export function toJsonValue<T>(value: T): Jsonified<T>;
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof BigUint64Array) return Array.from(value, String);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

export function toJson(value: unknown): string {
  return JSON.stringify(toJsonValue(value), null, 2);
}
