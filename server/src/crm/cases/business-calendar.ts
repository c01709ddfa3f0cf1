/**
 * Adding working time to an instant, in the organization's time zone, on its
 * business hours, skipping its holidays. With no business hours set, every
 * hour counts (a 24×7 service desk).
 */
export interface BusinessCalendar {
  timeZone: string;
  /** ISO weekday 1 (Monday) … 7 (Sunday) with opening intervals "HH:MM"–"HH:MM". */
  days: Array<{ day: number; start: string; end: string }>;
  /** Dates (YYYY-MM-DD, local) when nobody works. */
  holidays: string[];
}

const MINUTE = 60_000;

/** The wall-clock parts of an instant in a time zone. */
export function localParts(instant: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday as string) + 1,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of a local wall-clock time (the earlier one when a DST change repeats it). */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetAt(new Date(guess), timeZone);
  const second = guess - offsetAt(new Date(first), timeZone);
  return new Date(second);
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** `start` plus `minutes` of working time. */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  if (calendar.days.length === 0) return new Date(start.getTime() + minutes * MINUTE);
  const holidays = new Set(calendar.holidays);
  let remaining = minutes;
  let cursor = start;
  // Two years of days is far beyond any SLA; it also ends the loop on a calendar with no open hours.
  for (let guard = 0; guard < 730; guard++) {
    const local = localParts(cursor, calendar.timeZone);
    const date = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
    if (!holidays.has(date)) {
      const intervals = calendar.days.filter((d) => d.day === local.weekday).sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
      for (const interval of intervals) {
        const open = zonedTime(local.year, local.month, local.day, 0, minutesOf(interval.start), calendar.timeZone);
        const close = zonedTime(local.year, local.month, local.day, 0, minutesOf(interval.end), calendar.timeZone);
        const from = cursor > open ? cursor : open;
        if (from >= close) continue;
        const available = (close.getTime() - from.getTime()) / MINUTE;
        if (available >= remaining) return new Date(from.getTime() + remaining * MINUTE);
        remaining -= available;
        cursor = close;
      }
    }
    // The next local midnight.
    const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
    cursor = zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, calendar.timeZone);
  }
  throw new Error('The business calendar has no open hours');
}
