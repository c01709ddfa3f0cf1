import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('makes RFC 9562 version-7 UUIDs whose first 48 bits are the current millisecond', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('keeps the order ids are made in, within one millisecond too, and never repeats one', () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    // Many ids share a millisecond here: the counter, not the clock, orders them.
    const prefixes = new Set(ids.map((id) => id.slice(0, 13)));
    expect(prefixes.size).toBeLessThan(ids.length);
  });

  it('draws the random part anew for each millisecond and each id', () => {
    const tails = new Set(Array.from({ length: 1000 }, () => newId().slice(-10)));
    expect(tails.size).toBe(1000);
  });
});
