import { Type } from 'typebox';
import { Uuid } from '../../platform/http/common.schemas.js';
import { DuplicateMatchSchema } from '../../records/index.js';

const Section = (what: string) =>
  Type.Record(Type.String({ maxLength: 63 }), Type.String({ maxLength: 63 }), {
    description: `Lead field → ${what} field that receives its value (same type; custom fields allowed).`,
  });

export const ConversionMapping = Type.Object(
  {
    contact: Section('contact'),
    account: Section('account'),
    deal: Section('deal'),
  },
  { additionalProperties: false },
);

export const LeadParams = Type.Object({ id: Uuid });

export const ConvertBody = Type.Object(
  {
    deal: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Create a deal with these values (name, amount, stage, close_date…) over the mapped ones; absent: no deal.',
      }),
    ),
    accountId: Type.Optional({ ...Uuid, description: 'An existing account to link instead of finding or creating one.' }),
    contactId: Type.Optional({ ...Uuid, description: 'An existing contact (one the preview offered) to use instead of creating one.' }),
    newAccount: Type.Optional(Type.Boolean({ description: 'Create a new account even when one is named like the lead’s company.' })),
  },
  { additionalProperties: false },
);

export const ConvertResult = Type.Object({
  contactId: Uuid,
  accountId: Type.Union([Uuid, Type.Null()], { description: 'Null when the lead has no company and no account was given.' }),
  dealId: Type.Union([Uuid, Type.Null()], { description: 'Null when no deal was asked for.' }),
});

export const ConvertPreview = Type.Object({
  lead: Type.Object({
    id: Uuid,
    name: Type.String(),
    company: Type.Union([Type.String(), Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    isConverted: Type.Boolean(),
  }),
  accounts: Type.Array(DuplicateMatchSchema, {
    description: 'Accounts named like the lead’s company (the first one is used unless accountId says otherwise).',
  }),
  contacts: Type.Array(DuplicateMatchSchema, { description: 'Contacts with the lead’s e-mail (used only when passed as contactId).' }),
});
