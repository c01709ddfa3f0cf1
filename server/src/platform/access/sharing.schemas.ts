import { Type } from 'typebox';

export const SharingAccessSchema = Type.Union([Type.Literal('private'), Type.Literal('public_read'), Type.Literal('public_read_write')], {
  description:
    'private: a record is seen by its owner, the owner’s managers (every role above), peers in a role that shares with peers, and groups that share records; public_read: everyone reads, the same people edit; public_read_write: everyone reads and edits.',
});

export const ModuleParams = Type.Object({ module: Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$', description: 'A module API name.' }) });

export const SharingDefault = Type.Object({ module: Type.String(), access: SharingAccessSchema });

export const SharingList = Type.Object({
  data: Type.Array(SharingDefault, { description: 'The modules whose default an administrator has set.' }),
  defaultAccess: Type.Literal('private', { description: 'What every module not listed gets.' }),
});

export const PutSharingBody = Type.Object({ access: SharingAccessSchema }, { additionalProperties: false });
