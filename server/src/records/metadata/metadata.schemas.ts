import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';
import { FIELD_TYPES, type FieldType } from './field-types.js';

const LabelsSchema = Type.Object({ es: Type.String(), en: Type.String() }, { description: 'The text in Spanish and English.' });

export const PicklistValueSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9_]{0,62}$', description: 'Stable code used by the API and filters.' }),
    labels: LabelsSchema,
    hidden: Type.Optional(Type.Boolean()),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Deal stages: chance of winning.' })),
    outcome: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('won'), Type.Literal('lost')], { description: 'Deal stages.' })),
  },
  { additionalProperties: false },
);

export const FieldTypeSchema = Type.Unsafe<FieldType>({ type: 'string', enum: [...FIELD_TYPES], description: 'The field type.' });

export const FieldOptionsSchema = Type.Object(
  {
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 32000 })),
    minLength: Type.Optional(Type.Integer({ minimum: 0, maximum: 32000 })),
    pattern: Type.Optional(Type.String({ maxLength: 500, description: 'A regular expression the whole value must match.' })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    scale: Type.Optional(Type.Integer({ minimum: 0, maximum: 8 })),
    values: Type.Optional(Type.Array(PicklistValueSchema, { maxItems: 500 })),
    target: Type.Optional(Type.String({ description: 'Lookup: the module it points to.' })),
    targetField: Type.Optional(Type.String()),
    prefix: Type.Optional(Type.String({ maxLength: 20 })),
    start: Type.Optional(Type.Integer({ minimum: 0 })),
    expression: Type.Optional(Type.String({ maxLength: 2000, description: 'Formula: the expression over fields of the same record.' })),
    returnType: Type.Optional(FieldTypeSchema),
    rollup: Type.Optional(
      Type.Object({
        module: Type.String(),
        via: Type.String({ description: 'The lookup field of `module` that points at this module.' }),
        fn: Type.Union([Type.Literal('sum'), Type.Literal('count'), Type.Literal('min'), Type.Literal('max')]),
        field: Type.Optional(Type.String()),
      }),
    ),
  },
  { additionalProperties: false, description: 'Settings that depend on the type.' },
);

export const FieldSchema = Type.Object({
  id: Uuid,
  apiName: Type.String(),
  type: FieldTypeSchema,
  label: Type.String({ description: 'In the caller’s language.' }),
  labels: LabelsSchema,
  isStandard: Type.Boolean(),
  isSystem: Type.Boolean({ description: 'Set by the server; never written by users.' }),
  readOnly: Type.Boolean({ description: 'The caller cannot write it (system, computed, or read-only for their profile).' }),
  required: Type.Boolean(),
  unique: Type.Boolean(),
  defaultValue: Type.Unknown(),
  helpText: Type.Union([Type.String(), Type.Null()]),
  options: Type.Record(Type.String(), Type.Unknown()),
  searchable: Type.Boolean({ description: 'The global search looks at it (the name’s fields always are).' }),
});

export const ModuleSummary = Type.Object({
  id: Uuid,
  apiName: Type.String(),
  label: Type.String({ description: 'Singular, in the caller’s language.' }),
  pluralLabel: Type.String(),
  labels: Type.Unknown({ description: '{es: {singular, plural}, en: {…}}' }),
  isStandard: Type.Boolean(),
  position: Type.Integer(),
  permissions: Type.Object({
    create: Type.Boolean(),
    read: Type.Boolean(),
    edit: Type.Boolean(),
    delete: Type.Boolean(),
    import: Type.Boolean(),
    export: Type.Boolean(),
  }),
});

export const ModuleList = Type.Object({ data: Type.Array(ModuleSummary) });

export const ModuleDetail = Type.Object({
  ...ModuleSummary.properties,
  displayFields: Type.Array(Type.String()),
  fields: Type.Array(FieldSchema, { description: 'The fields the caller can see.' }),
  layout: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), labels: LabelsSchema, fields: Type.Array(Type.String()) }), {
    description: 'Sections of the record page, with the fields the caller can see.',
  }),
  relatedLists: Type.Array(Type.Object({ module: Type.String(), field: Type.String(), label: Type.String() }), {
    description: 'Modules whose lookups point here: the record page lists them.',
  }),
  validationRules: Type.Array(
    Type.Object({ id: Uuid, name: Type.String(), condition: Type.Unknown(), message: Type.String(), active: Type.Boolean() }),
  ),
  hiddenFields: Type.Optional(
    Type.Array(Type.Object({ apiName: Type.String(), type: FieldTypeSchema, label: Type.String(), isStandard: Type.Boolean() }), {
      description: 'Administrators only: fields hidden for everyone (Settings can show them again).',
    }),
  ),
});

export const ModuleNameParams = Type.Object({ module: Type.String({ pattern: '^[a-z][a-z0-9_]{1,62}$' }) });
export const FieldParams = Type.Object({
  module: ModuleNameParams.properties.module,
  field: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
});

export const CreateModuleBody = Type.Object(
  {
    singular: Type.String({ minLength: 1, maxLength: 60, description: 'Name of one record (Project).' }),
    plural: Type.String({ minLength: 1, maxLength: 60, description: 'Name of the module (Projects).' }),
    labels: Type.Optional(
      Type.Object({
        es: Type.Object({ singular: Type.String({ minLength: 1, maxLength: 60 }), plural: Type.String({ minLength: 1, maxLength: 60 }) }),
        en: Type.Object({ singular: Type.String({ minLength: 1, maxLength: 60 }), plural: Type.String({ minLength: 1, maxLength: 60 }) }),
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateModuleBody = Type.Object(
  {
    labels: Type.Optional(CreateModuleBody.properties.labels),
    hidden: Type.Optional(Type.Boolean({ description: 'Custom modules only: hide it (its data stays).' })),
    layout: Type.Optional(
      Type.Array(
        Type.Object(
          { key: Type.String({ maxLength: 60 }), labels: LabelsSchema, fields: Type.Array(Type.String(), { maxItems: 500 }) },
          { additionalProperties: false },
        ),
        { maxItems: 50 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const CreateFieldBody = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 80 }),
    labels: Type.Optional(LabelsSchema),
    type: FieldTypeSchema,
    required: Type.Optional(Type.Boolean()),
    unique: Type.Optional(Type.Boolean()),
    defaultValue: Type.Optional(Type.Unknown()),
    helpText: Type.Optional(Type.String({ maxLength: 500 })),
    options: Type.Optional(FieldOptionsSchema),
    section: Type.Optional(Type.String({ description: 'Layout section key to place it in (default: the first).' })),
  },
  { additionalProperties: false },
);

export const UpdateFieldBody = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    labels: Type.Optional(LabelsSchema),
    required: Type.Optional(Type.Boolean()),
    unique: Type.Optional(Type.Boolean()),
    hidden: Type.Optional(Type.Boolean({ description: 'Hide it from everyone; its data stays and it can be shown again.' })),
    defaultValue: Type.Optional(Type.Unknown()),
    helpText: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    options: Type.Optional(FieldOptionsSchema),
    searchable: Type.Optional(
      Type.Boolean({ description: 'Let the global search look at it (text, e-mail, phone, URL and auto-number fields).' }),
    ),
  },
  { additionalProperties: false },
);

export const CreateValidationRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    condition: Type.Unknown({ description: 'A filter (see the records query): records matching it are refused.' }),
    message: Type.String({ minLength: 1, maxLength: 500 }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RuleParams = Type.Object({ module: ModuleNameParams.properties.module, id: Uuid });
