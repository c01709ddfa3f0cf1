import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';
import { SortEntry } from '../records/record.schemas.js';

const ModuleName = Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$', description: 'The module’s API name.' });
const Filter = Type.Unknown({ description: 'A filter of the records query language, or null for none.' });
const Sort = Type.Array(SortEntry, { maxItems: 3, description: 'Up to three sort keys.' });
const Columns = Type.Array(Type.String(), { maxItems: 200, description: 'Field API names shown as columns, in order.' });

export const View = Type.Object({
  id: Uuid,
  module: Type.String({ description: 'The module it lists.' }),
  name: Type.String({ description: 'Its name.' }),
  ownerId: Uuid,
  shared: Type.Boolean({ description: 'Visible to every user of the organization who can read the module.' }),
  filter: Filter,
  sort: Sort,
  columns: Columns,
});

export const ViewList = Type.Object({ data: Type.Array(View) });
export const ViewsQuery = Type.Object({ module: ModuleName });
export const ViewParams = Type.Object({ id: Uuid });

export const CreateViewBody = Type.Object(
  {
    module: ModuleName,
    name: Type.String({ minLength: 1, maxLength: 120, description: 'Its name.' }),
    shared: Type.Optional(Type.Boolean({ description: 'Share it with everyone who can read the module (default false).' })),
    filter: Type.Optional(Filter),
    sort: Type.Optional(Sort),
    columns: Type.Optional(Columns),
  },
  { additionalProperties: false },
);

export const UpdateViewBody = Type.Object(
  {
    name: Type.Optional(CreateViewBody.properties.name),
    shared: Type.Optional(Type.Boolean({ description: 'Shared with everyone who can read the module.' })),
    filter: Type.Optional(Filter),
    sort: Type.Optional(Sort),
    columns: Type.Optional(Columns),
  },
  { additionalProperties: false },
);
