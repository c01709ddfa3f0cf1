import { describe, expect, it } from 'vitest';
import { businessMinutesBetween } from './business-time.js';

const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }));
const madrid = { timeZone: 'Europe/Madrid', days: weekdays, holidays: ['2026-01-06'] };

describe('businessMinutesBetween', () => {
  it('counts opening hours only, over a weekend', () => {
    // Friday 9 January 16:00 local (15:00 UTC) → Monday 12 January 10:00 local: 1 h + 1 h.
    expect(businessMinutesBetween(new Date('2026-01-09T15:00:00Z'), new Date('2026-01-12T09:00:00Z'), madrid)).toBe(120);
  });

  it('skips holidays and clips to the instants', () => {
    // Monday 5 January 12:00 local → Wednesday 7 January 10:00 local; Tuesday 6 is a holiday: 5 h + 1 h.
    expect(businessMinutesBetween(new Date('2026-01-05T11:00:00Z'), new Date('2026-01-07T09:00:00Z'), madrid)).toBe(360);
    // Within one interval.
    expect(businessMinutesBetween(new Date('2026-01-07T09:30:00Z'), new Date('2026-01-07T10:00:00Z'), madrid)).toBe(30);
  });

  it('is 0 outside opening hours or when the end is not after the start', () => {
    expect(businessMinutesBetween(new Date('2026-01-10T10:00:00Z'), new Date('2026-01-11T10:00:00Z'), madrid)).toBe(0);
    expect(businessMinutesBetween(new Date('2026-01-12T10:00:00Z'), new Date('2026-01-12T09:00:00Z'), madrid)).toBe(0);
  });
});
