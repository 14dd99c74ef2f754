// JSON with exact 64-bit integers: integers outside JavaScript's safe range parse to bigint,
// and bigints stringify as plain JSON numbers. Nothing 64-bit passes through a `number`.
import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';

function parseNumber(text: string): number | bigint {
  if (isInteger(text) && !isSafeNumber(text)) return BigInt(text);
  return Number(text);
}

export function parseJson64(text: string | Uint8Array): unknown {
  return parse(typeof text === 'string' ? text : new TextDecoder().decode(text), null, parseNumber);
}

export function stringifyJson64(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}

/** A u64/i64 from parsed JSON (number, bigint or decimal string) as a bigint. */
export function toBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`${what} must be an integer, got ${typeof value === 'string' ? `"${value}"` : String(value)}`);
}
