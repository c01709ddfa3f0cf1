import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import { addMonths, lastPeriods, localDate, parsePeriod, periodLabelOf, previousPeriod, startOfDay } from './periods.js';

const madridApril = { timeZone: 'Europe/Madrid', fiscalYearStartMonth: 4 };
const utcJanuary = { timeZone: 'UTC', fiscalYearStartMonth: 1 };
const newYork = { timeZone: 'America/New_York', fiscalYearStartMonth: 10 };

describe('parsePeriod', () => {
  it('reads a month as the calendar month, local midnight to local midnight', () => {
    const p = parsePeriod('2026-07', madridApril);
    expect(p).toMatchObject({ label: '2026-07', kind: 'month', start: '2026-07-01', end: '2026-07-31' });
    // Madrid is UTC+2 in summer: local midnight of 1 July is 22:00 UTC on 30 June.
    expect(p.startAt.toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(p.endAt.toISOString()).toBe('2026-07-31T22:00:00.000Z');
  });

  it('reads a fiscal year named after the year it starts in (April start)', () => {
    const p = parsePeriod('2026', madridApril);
    expect(p).toMatchObject({ start: '2026-04-01', end: '2027-03-31', kind: 'year' });
    expect(p.startAt.toISOString()).toBe('2026-03-31T22:00:00.000Z'); // CEST
    expect(p.endAt.toISOString()).toBe('2027-03-31T22:00:00.000Z'); // 1 April 2027 is CEST again
  });

  it('reads fiscal quarters from the fiscal year start, across the calendar year', () => {
    expect(parsePeriod('2026-Q1', madridApril)).toMatchObject({ start: '2026-04-01', end: '2026-06-30' });
    expect(parsePeriod('2026-Q3', madridApril)).toMatchObject({ start: '2026-10-01', end: '2026-12-31' });
    const q4 = parsePeriod('2026-Q4', madridApril);
    expect(q4).toMatchObject({ start: '2027-01-01', end: '2027-03-31' });
    // Winter time: UTC+1.
    expect(q4.startAt.toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(parsePeriod('2026-Q3', utcJanuary)).toMatchObject({ start: '2026-07-01', end: '2026-09-30' });
  });

  it('follows a time zone behind UTC (New York, fiscal year from October)', () => {
    const p = parsePeriod('2026-Q1', newYork);
    expect(p).toMatchObject({ start: '2026-10-01', end: '2026-12-31' });
    expect(p.startAt.toISOString()).toBe('2026-10-01T04:00:00.000Z'); // EDT
    expect(p.endAt.toISOString()).toBe('2027-01-01T05:00:00.000Z'); // EST
  });

  it.each(['', '26', '2026-13', '2026-Q5', '2026-Q0', '2026-7', 'Q3-2026', '2026-07-01', 'last quarter', '0999'])(
    'refuses %j with a 400 naming period',
    (text) => {
      try {
        parsePeriod(text, madridApril);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('validation_failed');
        expect((error as AppError).details).toEqual({ field: 'period' });
      }
    },
  );
});

describe('previous and last periods', () => {
  it('steps back a month, a quarter over the fiscal year boundary and a year', () => {
    expect(previousPeriod(parsePeriod('2026-01', madridApril), madridApril).label).toBe('2025-12');
    const q = previousPeriod(parsePeriod('2026-Q1', madridApril), madridApril);
    expect(q).toMatchObject({ label: '2025-Q4', start: '2026-01-01', end: '2026-03-31' });
    expect(previousPeriod(parsePeriod('2026', madridApril), madridApril)).toMatchObject({ label: '2025', start: '2025-04-01' });
  });

  it('lists the 8 periods ending with the one asked, oldest first, back to back', () => {
    const periods = lastPeriods(parsePeriod('2026-Q2', madridApril), madridApril);
    expect(periods.map((p) => p.label)).toEqual(['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2']);
    for (let i = 1; i < periods.length; i++) expect(periods[i]!.startAt).toEqual(periods[i - 1]!.endAt);
    expect(lastPeriods(parsePeriod('2026-03', utcJanuary), utcJanuary).map((p) => p.label)[0]).toBe('2025-08');
  });
});

describe('dates and instants', () => {
  it('puts 23:30 UTC on the next local day in Madrid', () => {
    expect(localDate(new Date('2026-03-31T23:30:00Z'), 'Europe/Madrid')).toBe('2026-04-01');
    expect(localDate(new Date('2026-03-31T23:30:00Z'), 'UTC')).toBe('2026-03-31');
  });

  it('finds local midnight on DST change days', () => {
    expect(startOfDay('2026-03-29', 'Europe/Madrid').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDay('2026-03-30', 'Europe/Madrid').toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('adds months keeping the day within the month', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-01', -12)).toBe('2025-03-01');
  });

  it('names the period that holds a date', () => {
    expect(periodLabelOf('2026-02-10', 'quarter', madridApril)).toBe('2025-Q4');
    expect(periodLabelOf('2026-04-01', 'year', madridApril)).toBe('2026');
    expect(periodLabelOf('2026-08-15', 'quarter', utcJanuary)).toBe('2026-Q3');
  });
});
