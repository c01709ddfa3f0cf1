import { Type } from 'typebox';
import { Email, Uuid } from '../http/common.schemas.js';

const Actions = Type.Record(Type.String(), Type.Boolean());

export const MeResponse = Type.Object({
  user: Type.Object({
    id: Uuid,
    name: Type.String(),
    email: Email,
    language: Type.String({ description: 'es or en' }),
    timeZone: Type.String(),
    roleId: Type.Union([Uuid, Type.Null()]),
    profileId: Uuid,
    twoFactorEnabled: Type.Boolean(),
  }),
  organization: Type.Object({
    id: Uuid,
    name: Type.String(),
    logo: Type.Union([Type.String(), Type.Null()]),
    currency: Type.String(),
    timeZone: Type.String(),
    defaultLanguage: Type.String(),
  }),
  permissions: Type.Object({
    isAdmin: Type.Boolean({ description: 'Administrators configure Settings, channels and integrations.' }),
    modules: Type.Record(Type.String(), Actions, {
      description: 'Per module API name (and "*" for the rest): create, read, edit, delete, import, export.',
    }),
    fields: Type.Record(Type.String(), Type.Record(Type.String(), Type.String()), {
      description: 'Per module, fields that are hidden or read_only.',
    }),
  }),
  mailDelivery: Type.Union([Type.Literal('smtp'), Type.Literal('outbox')], {
    description: 'smtp: mail leaves through SMTP_URL; outbox: no SMTP server is set, mail waits in Settings → Mail outbox.',
  }),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'Send as x-csrf-token on cookie-authenticated writes; null for Bearer tokens.',
  }),
});
