import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';

export const SearchQuery = Type.Object({
  q: Type.String({
    maxLength: 100,
    description:
      'What to look for: at least 2 letters or digits. Case, accents and small typos do not matter ("munos" finds "Muñoz"); names, e-mails, phones and codes are searched.',
  }),
  modules: Type.Optional(
    Type.String({
      pattern: '^[a-z][a-z0-9_]{1,62}(,[a-z][a-z0-9_]{1,62})*$',
      description: 'Comma-separated module API names to search (default: every module the caller can read).',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'At most this many results (default 20).' })),
});

export const SearchHit = Type.Object({
  module: Type.String({ description: 'The module’s API name.' }),
  moduleLabel: Type.String({ description: 'The module’s singular name in the caller’s language.' }),
  id: Uuid,
  name: Type.String({ description: 'The record’s name (its display fields the caller may see).' }),
  matchedField: Type.String({ description: 'API name of the field that matched best.' }),
  snippet: Type.Optional(Type.String({ description: 'The matched field’s value when it is not the name (an e-mail, a phone…).' })),
  score: Type.Number({ description: 'Rank, lower is better: exact matches first, then prefixes, then by similarity.' }),
});

export const SearchResponse = Type.Object({
  data: Type.Array(SearchHit, { description: 'Best matches first, across modules.' }),
  modules: Type.Array(Type.String(), { description: 'The modules that were searched (those the caller can read).' }),
});
