import { describe, expect, it } from 'vitest';
import { validateCockpitSearch } from '../kam/cockpit/cockpit-search';
import { parseSearch, searchText, stringifySearch } from './search-params';

describe('stringifySearch', () => {
  it('writes periods plain, the year too', () => {
    expect(stringifySearch({ period: '2026' })).toBe('?period=2026');
    expect(stringifySearch({ period: '2026-Q3', scope: 'org' })).toBe('?period=2026-Q3&scope=org');
    expect(stringifySearch({ period: '2026-07', scope: 'manager:0190abcd', tier: undefined })).toBe(
      '?period=2026-07&scope=manager%3A0190abcd',
    );
    expect(stringifySearch({})).toBe('');
  });

  it('keeps the JSON form for a text the reading would change', () => {
    const written = (q: string) => new URLSearchParams(stringifySearch({ q })).get('q');
    expect(written('"exact phrase"')).toBe('"\\"exact phrase\\""');
    expect(written('1.50')).toBe('"1.50"');
    expect(written('[1]')).toBe('"[1]"');
    expect(written('plain words')).toBe('plain words');
  });

  it('round-trips every text through parseSearch and searchText', () => {
    for (const text of ['2026', '2026-Q3', 'true', 'null', '"quoted"', '1.50', '007', '1e3', '-0', 'a b&c=d', 'ñandú']) {
      expect(searchText(parseSearch(stringifySearch({ q: text })).q)).toBe(text);
    }
  });
});

describe('validateCockpitSearch', () => {
  it('reads a plain period and the quoted one of older links alike', () => {
    expect(validateCockpitSearch(parseSearch('?period=2026'))).toEqual({ period: '2026' });
    expect(validateCockpitSearch(parseSearch('?period=%222026%22&scope=org'))).toEqual({ period: '2026', scope: 'org' });
    expect(validateCockpitSearch(parseSearch('?period=2026-Q3&kpi=nps&tier=key'))).toEqual({
      period: '2026-Q3',
      kpi: 'nps',
      tier: 'key',
    });
  });

  it('drops empty and non-text values', () => {
    expect(validateCockpitSearch({ period: '', scope: { a: 1 }, tier: null, kpi: Number.NaN })).toEqual({});
  });
});
