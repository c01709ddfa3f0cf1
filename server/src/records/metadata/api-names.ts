/**
 * API names of custom modules and fields: made from the label, lower snake
 * case, always ending in `_c`. Standard API names never end in `_c`, so a
 * custom name can never collide with a standard one, now or in a later
 * release.
 */
export const CUSTOM_SUFFIX = '_c';

export function slugify(label: string): string {
  const base = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return /^[a-z]/.test(base) ? base : `f_${base || 'field'}`;
}

/** A custom API name for `label` that is not in `taken`: `delivery_date_c`, then `delivery_date_2_c`… */
export function customApiName(label: string, taken: ReadonlySet<string>): string {
  const base = slugify(label);
  let candidate = `${base}${CUSTOM_SUFFIX}`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}${CUSTOM_SUFFIX}`;
  return candidate;
}
