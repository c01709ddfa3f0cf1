import { Type, type Static } from 'typebox';

export const QueryBody = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 10_000,
      description:
        'The query: `SELECT … FROM <module> [WHERE …] [GROUP BY …] [ORDER BY …] [LIMIT n]` over API names, e.g. `SELECT owner_id, SUM(amount) AS won FROM deals WHERE closed_at = THIS_FISCAL_QUARTER GROUP BY owner_id ORDER BY won DESC LIMIT 10`. See docs/query-language.md.',
    }),
  },
  { additionalProperties: false },
);
export type QueryBody = Static<typeof QueryBody>;

export const QueryResult = Type.Object(
  {
    columns: Type.Array(
      Type.Object({
        name: Type.String({ description: 'The alias, or the item as written (`SUM(amount)`); the key of the column in each row.' }),
        type: Type.String({ description: 'The field type (`currency`, `picklist`, `user`…), or `number` for aggregates and arithmetic.' }),
        label: Type.String({ description: 'What people read as its heading, in the caller’s language.' }),
      }),
    ),
    data: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description: 'One object per record (no GROUP BY and no aggregate) or per group, by column name; raw values (ids, codes, numbers).',
    }),
    labels: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])), {
      description:
        'For grouped queries, what people read for each grouped value (user and record names, picklist labels, months); same order as `data`.',
    }),
    currency: Type.String({ description: 'The organization’s currency: SUM, AVG, MIN and MAX of currency fields are converted to it.' }),
    truncated: Type.Boolean({ description: 'More rows or groups matched than LIMIT (default 200, at most 10,000) let through.' }),
    durationMs: Type.Number(),
  },
  { description: 'The result of a query.' },
);
export type QueryResult = Static<typeof QueryResult>;
