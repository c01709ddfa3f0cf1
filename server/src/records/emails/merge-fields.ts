/**
 * Merge fields in e-mail templates: `{{first_name}}`, `{{account_id}}` (the
 * related record's name), `{{me.name}}`, `{{me.email}}`. A name that is not a
 * field the writer can see is reported, never silently left in the mail.
 */
const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)\s*\}\}/g;

export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

export function renderMergeFields(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(PLACEHOLDER, (_all, name: string) => values.get(name) ?? '');
}
