import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';
import { DuplicateMatchSchema, ModuleParams } from '../records/record.schemas.js';

export const DuplicateRules = Type.Object({
  module: Type.String({ description: 'The module’s API name.' }),
  rules: Type.Array(Type.String(), {
    description:
      'Active rules: `email` (any e-mail field, case-insensitive), `phone` (any phone field, as E.164), `name_company` (name + company without accents or case; accounts: the name).',
  }),
});

export const DuplicateRulesBody = Type.Object(
  {
    rules: Type.Array(Type.String({ maxLength: 40, description: 'email, phone or name_company.' }), {
      maxItems: 3,
      description: 'The rules to apply; an empty list turns the check off for the module.',
    }),
  },
  { additionalProperties: false },
);

export const DuplicateCheckBody = Type.Object(
  {
    values: Type.Record(Type.String(), Type.Unknown(), { description: 'Field values of the record to check, by API name.' }),
    excludeId: Type.Optional({ ...Uuid, description: 'A record left out of the answer (the one being edited).' }),
  },
  { additionalProperties: false },
);

export const DuplicateCheckResponse = Type.Object({
  data: Type.Array(DuplicateMatchSchema, { description: 'The records the values duplicate that the caller can see (at most 20).' }),
});

export const MergeBody = Type.Object(
  {
    masterId: { ...Uuid, description: 'The record that stays.' },
    otherIds: Type.Array(Uuid, { minItems: 1, maxItems: 2, description: 'The one or two records merged into the master.' }),
    values: Type.Record(Type.String(), Uuid, {
      description: 'Field → the id of the record whose value the master keeps; fields not named keep the master’s value.',
    }),
  },
  { additionalProperties: false },
);

export { ModuleParams };
