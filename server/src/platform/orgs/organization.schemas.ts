import { Type } from 'typebox';
import { Timestamp, Uuid } from '../http/common.schemas.js';

const Time = Type.String({
  pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'HH:MM, 00:00–24:00, in the organization’s time zone.',
});
const Language = Type.Union([Type.Literal('es'), Type.Literal('en')]);
const Logo = Type.Union([Type.String({ maxLength: 280_000 }), Type.Null()], {
  description: 'A base64 data: URL of a PNG, JPEG or SVG image of at most 200 KB (data:image/png;base64,…), or null for none.',
});
const ExchangeRates = Type.Record(Type.String(), Type.String(), {
  maxProperties: 200,
  description: 'ISO 4217 code → units of that currency per one unit of the organization’s currency, as a decimal string > 0 ("1.0850").',
});
const BusinessHoursSchema = Type.Object(
  {
    days: Type.Array(
      Type.Object(
        { day: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 Monday … 7 Sunday.' }), start: Time, end: Time },
        { additionalProperties: false },
      ),
      {
        maxItems: 70,
        description: 'Opening intervals; several per day allowed (a lunch break), never overlapping. A day not listed is closed.',
      },
    ),
  },
  { additionalProperties: false },
);
const Holidays = Type.Array(
  Type.Object(
    {
      date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' }),
      name: Type.String({ minLength: 1, maxLength: 120 }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 500, description: 'Days the organization is closed; each date once.' },
);

export const Organization = Type.Object({
  id: Uuid,
  name: Type.String(),
  logo: Type.Union([Type.String(), Type.Null()]),
  defaultLanguage: Language,
  timeZone: Type.String({ description: 'IANA time zone; periods and SLAs follow it.' }),
  currency: Type.String({ description: 'ISO 4217 code; money amounts are in it unless they say otherwise.' }),
  exchangeRates: ExchangeRates,
  fiscalYearStartMonth: Type.Integer({ minimum: 1, maximum: 12 }),
  businessHours: BusinessHoursSchema,
  holidays: Holidays,
  updatedAt: Timestamp,
});

export const UpdateOrganizationBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    logo: Type.Optional(Logo),
    defaultLanguage: Type.Optional(Language),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Madrid.' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR.' })),
    exchangeRates: Type.Optional(ExchangeRates),
    fiscalYearStartMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, description: '1 January … 12 December.' })),
    businessHours: Type.Optional(BusinessHoursSchema),
    holidays: Type.Optional(Holidays),
  },
  { additionalProperties: false, minProperties: 1 },
);
