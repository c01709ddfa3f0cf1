import { Type } from 'typebox';
import { PersonName } from '../http/common.schemas.js';

const Language = Type.Union([Type.Literal('es'), Type.Literal('en')], { description: 'es or en' });

export const UpdatePreferencesBody = Type.Object(
  {
    name: Type.Optional(PersonName),
    language: Type.Optional(
      Type.Union([Language, Type.Null()], { description: 'es or en; null follows the organization’s default language.' }),
    ),
    timeZone: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
        description: 'An IANA time zone such as Europe/Madrid; null follows the organization’s time zone.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Preferences = Type.Object({
  name: Type.String(),
  language: Type.String({ description: 'The language in effect: yours, or the organization’s default.' }),
  timeZone: Type.String({ description: 'The time zone in effect: yours, or the organization’s.' }),
  languageIsDefault: Type.Boolean({ description: 'True when you follow the organization’s default language.' }),
  timeZoneIsDefault: Type.Boolean({ description: 'True when you follow the organization’s time zone.' }),
});
