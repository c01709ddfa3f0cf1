import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, type BusinessCalendar } from './business-calendar.js';

const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
const madrid: BusinessCalendar = { timeZone: 'Europe/Madrid', days: weekdays('09:00', '18:00'), holidays: [] };

describe('addBusinessMinutes', () => {
  it('counts only open hours, in the organization’s time zone', () => {
    // Thursday 2027-01-14 17:00 in Madrid (16:00Z) + 4 h → Friday 12:00 Madrid (11:00Z)
    expect(addBusinessMinutes(new Date('2027-01-14T16:00:00Z'), 240, madrid).toISOString()).toBe('2027-01-15T11:00:00.000Z');
    // Friday 17:00 + 2 h → Monday 10:00
    expect(addBusinessMinutes(new Date('2027-01-15T16:00:00Z'), 120, madrid).toISOString()).toBe('2027-01-18T09:00:00.000Z');
    // Saturday → starts Monday 09:00
    expect(addBusinessMinutes(new Date('2027-01-16T10:00:00Z'), 60, madrid).toISOString()).toBe('2027-01-18T09:00:00.000Z');
  });

  it('skips holidays and follows summer time', () => {
    const withHoliday = { ...madrid, holidays: ['2027-01-18'] };
    expect(addBusinessMinutes(new Date('2027-01-15T16:00:00Z'), 120, withHoliday).toISOString()).toBe('2027-01-19T09:00:00.000Z');
    // In July Madrid is UTC+2: 09:00 local is 07:00Z.
    expect(addBusinessMinutes(new Date('2027-07-03T10:00:00Z'), 30, madrid).toISOString()).toBe('2027-07-05T07:30:00.000Z');
  });

  it('with no business hours every hour counts', () => {
    expect(addBusinessMinutes(new Date('2027-01-16T10:00:00Z'), 90, { ...madrid, days: [] }).toISOString()).toBe(
      '2027-01-16T11:30:00.000Z',
    );
  });
});
