// PostgreSQL timestamps (microseconds from 2000-01-01) written as `"YYYY-MM-DDTHH:MM:SS.mmmZ"`,
// exactly as Date#toISOString does, without a Date and a string per value.
import { COLON, DIGIT_ZERO, DOT, LETTER_T, LETTER_Z, MINUS, QUOTE } from '../../format/ascii.ts';
import { readInt32, readUint32 } from './big-endian.ts';
import { writeFour, writePair } from './decimal.ts';

/** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01). */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/**
 * Milliseconds since the Unix epoch of the timestamp at `at`, exactly: the microseconds do not fit
 * a double beyond 285 years from 2000, so they are divided by halves (2^32 = 4,294,967 * 1000 + 296).
 */
function timestampMs(source: Buffer, at: number): number {
  const hi = readInt32(source, at);
  return PG_EPOCH_MS + hi * 4_294_967 + Math.floor((hi * 296 + readUint32(source, at + 4)) / 1000);
}

function timestampText(source: Buffer, at: number): string {
  const date = new Date(timestampMs(source, at));
  if (Number.isNaN(date.getTime())) throw new Error('a timestamp is out of the range this reader writes (infinity?)');
  return date.toISOString();
}

const MS_PER_DAY = 86_400_000;
/** 0000-01-01 to 9999-12-31: the range Date#toISOString writes with a four-digit year. */
const FOUR_DIGIT_YEARS_MS = [-62_167_219_200_000, 253_402_300_800_000] as const;

/**
 * Writes the big-endian PostgreSQL timestamp at `p` as `"YYYY-MM-DDTHH:MM:SS.mmmZ"`, exactly as
 * Date#toISOString does, without making a Date and a string per value (days to a civil date as
 * in Howard Hinnant's `civil_from_days`). Returns the index after it.
 */
export function writeTimestamp(out: Buffer, o: number, source: Buffer, p: number): number {
  const ms = timestampMs(source, p);
  if (!(ms >= FOUR_DIGIT_YEARS_MS[0] && ms < FOUR_DIGIT_YEARS_MS[1])) {
    const text = timestampText(source, p);
    out[o++] = QUOTE;
    for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
    out[o++] = QUOTE;
    return o;
  }
  const days = Math.floor(ms / MS_PER_DAY);
  let inDay = ms - days * MS_PER_DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3_600_000);
  inDay -= hours * 3_600_000;
  const minutes = Math.floor(inDay / 60_000);
  inDay -= minutes * 60_000;
  const seconds = Math.floor(inDay / 1000);
  const millis = inDay - seconds * 1000;
  out[o] = QUOTE;
  writeFour(out, o + 1, year);
  out[o + 5] = MINUS;
  writePair(out, o + 6, month);
  out[o + 8] = MINUS;
  writePair(out, o + 9, day);
  out[o + 11] = LETTER_T;
  writePair(out, o + 12, hours);
  out[o + 14] = COLON;
  writePair(out, o + 15, minutes);
  out[o + 17] = COLON;
  writePair(out, o + 18, seconds);
  out[o + 20] = DOT;
  const hundreds = Math.floor(millis / 100);
  out[o + 21] = DIGIT_ZERO + hundreds;
  writePair(out, o + 22, millis - hundreds * 100);
  out[o + 24] = LETTER_Z;
  out[o + 25] = QUOTE;
  return o + 26;
}
