/**
 * @mentions in notes are written as `@[Ana García](user:<uuid>)` by the editor;
 * the text shows the name, the id says who is meant.
 */
const MENTION = /@\[([^\]\n]{1,120})\]\(user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/gi;

/** The ids of the users a text mentions, each once. */
export function mentionedUserIds(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((match) => match[2]!.toLowerCase()))];
}

/** The text as people read it: mentions become "@Name". */
export function plainMentions(text: string): string {
  return text.replace(MENTION, (_all, name: string) => `@${name}`);
}
