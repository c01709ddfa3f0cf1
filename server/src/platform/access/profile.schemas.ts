import { Type } from 'typebox';
import { Timestamp, Uuid } from '../http/common.schemas.js';

const ProfileName = Type.String({ minLength: 1, maxLength: 100, description: 'Unique in the organization (ignoring case).' });
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

export const ModuleActions = Type.Object(
  {
    create: Type.Boolean(),
    read: Type.Boolean(),
    edit: Type.Boolean(),
    delete: Type.Boolean(),
    import: Type.Boolean(),
    export: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const ProfileModules = Type.Record(Type.String(), ModuleActions, {
  maxProperties: 500,
  description:
    'Per module API name, the actions allowed; "*" applies to every module not named (modules added later included). A module in neither is not allowed at all.',
});

export const ProfileFields = Type.Record(
  Type.String(),
  Type.Record(Type.String(), Type.Union([Type.Literal('hidden'), Type.Literal('read_only')]), { maxProperties: 1000 }),
  {
    maxProperties: 500,
    description: 'Per module API name, the fields that are hidden or read_only; unnamed fields are editable.',
  },
);

export const Profile = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  builtin: Type.Union([Type.Literal('administrator'), Type.Literal('standard'), Type.Null()], {
    description: 'Built-in profiles cannot be deleted; the Administrator’s permissions cannot be reduced.',
  }),
  modules: ProfileModules,
  fields: ProfileFields,
  userCount: Type.Integer({ description: 'Users (active or not) with this profile.' }),
  createdAt: Timestamp,
});

export const ProfileList = Type.Object({ data: Type.Array(Profile) });

export const CreateProfileBody = Type.Object(
  { name: ProfileName, description: Type.Optional(Description), modules: ProfileModules, fields: Type.Optional(ProfileFields) },
  { additionalProperties: false },
);

export const UpdateProfileBody = Type.Object(
  {
    name: Type.Optional(ProfileName),
    description: Type.Optional(Description),
    modules: Type.Optional(ProfileModules),
    fields: Type.Optional(ProfileFields),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CloneProfileBody = Type.Object(
  { name: Type.Optional(ProfileName), description: Type.Optional(Description) },
  { additionalProperties: false, description: 'Without a name the copy is called "<name> (copy)".' },
);
