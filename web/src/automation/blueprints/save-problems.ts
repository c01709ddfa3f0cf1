import { ApiError } from '../../app/api';
import type { BlueprintDefinition } from './api';
import { placeOfError } from './definition';

export interface SaveProblems {
  /** Messages by `state:<value>` or `transition:<id>`. */
  byPlace: Map<string, string[]>;
  /** Messages about the Blueprint itself (name, criteria …) or that name no place. */
  general: string[];
  /** The message about the name, for showing beside its input. */
  name?: string;
}

/**
 * What a refused save (400) says, sorted by the state or transition it names so the editor can show each message
 * beside that item. The server's messages are English and precise; they are shown as they are.
 */
export function saveProblems(error: unknown, definition: BlueprintDefinition): SaveProblems {
  const problems: SaveProblems = { byPlace: new Map(), general: [] };
  if (!(error instanceof ApiError)) return problems;
  const details = error.details ?? {};
  const listed = [
    ...(Array.isArray(details.fields) ? details.fields : []),
    ...(Array.isArray(details.errors) ? (details.errors as Array<{ field?: string | null; message: string }>) : []),
  ];
  const named = listed.length > 0 ? listed : details.field ? [{ field: details.field, message: error.message }] : [];
  for (const item of named) {
    const place = item.field ? placeOfError(definition, item.field) : null;
    if (!place) {
      if (item.field === 'name' || item.field === '/name') problems.name = item.message;
      else problems.general.push(item.message);
      continue;
    }
    const key = `${place.kind}:${place.key}`;
    problems.byPlace.set(key, [...(problems.byPlace.get(key) ?? []), item.message]);
  }
  if (named.length === 0) problems.general.push(error.message);
  return problems;
}
