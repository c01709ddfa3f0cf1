import { describe, expect, it } from 'vitest';
import { elapsedParts } from './format';

describe('elapsedParts', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  it('counts minutes, then hours, then days', () => {
    expect(elapsedParts('2026-03-10T11:55:30Z', now)).toMatchObject({ unit: 'minutes', minutes: 4 });
    expect(elapsedParts('2026-03-10T09:20:00Z', now)).toMatchObject({ unit: 'hours', hours: 2, minutes: 40 });
    expect(elapsedParts('2026-03-07T10:00:00Z', now)).toMatchObject({ unit: 'days', days: 3, hours: 2 });
  });
  it('never goes below zero when the clocks disagree', () => {
    expect(elapsedParts('2026-03-10T12:05:00Z', now)).toMatchObject({ unit: 'minutes', minutes: 0 });
  });
});
