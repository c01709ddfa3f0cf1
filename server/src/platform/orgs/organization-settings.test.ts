import { describe, expect, it } from 'vitest';
import { validateBusinessHours, validateExchangeRates, validateHolidays, validateTimeZone } from './organization-settings.js';

describe('organization settings validation', () => {
  it('allows several non-overlapping intervals a day, touching ones included, and sorts them', () => {
    expect(
      validateBusinessHours({
        days: [
          { day: 2, start: '15:00', end: '24:00' },
          { day: 2, start: '09:00', end: '15:00' },
          { day: 1, start: '09:00', end: '17:00' },
        ],
      }),
    ).toEqual({
      days: [
        { day: 1, start: '09:00', end: '17:00' },
        { day: 2, start: '09:00', end: '15:00' },
        { day: 2, start: '15:00', end: '24:00' },
      ],
    });
  });

  it('reports the index of the offending entry as it was sent', () => {
    expect(() =>
      validateHolidays([
        { date: '2026-01-06', name: 'Reyes' },
        { date: '2025-02-29', name: 'No leap' },
      ]),
    ).toThrow(expect.objectContaining({ details: { field: 'holidays.1.date' } }));
    expect(() => validateExchangeRates({ USD: '0.000' }, 'EUR')).toThrow(
      expect.objectContaining({ details: { field: 'exchangeRates.USD' } }),
    );
    expect(validateExchangeRates({ USD: '1.0850', GBP: '0.85' }, 'EUR')).toEqual({ GBP: '0.85', USD: '1.0850' });
    expect(() => validateTimeZone('Europe/Atlantis')).toThrow(expect.objectContaining({ details: { field: 'timeZone' } }));
  });
});
