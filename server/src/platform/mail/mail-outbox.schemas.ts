import { Type } from 'typebox';
import { NullableTimestamp, Timestamp, Uuid } from '../http/common.schemas.js';

export const MailOutboxQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The nextCursor of the previous page.' })),
  },
  { additionalProperties: false },
);

export const OutboxMail = Type.Object({
  id: Uuid,
  to: Type.String(),
  subject: Type.String(),
  status: Type.Union([Type.Literal('sent'), Type.Literal('stored'), Type.Literal('failed')], {
    description:
      'sent: handed to the SMTP server; stored: no SMTP server configured, this is the only copy; failed: the SMTP server refused it (see error).',
  }),
  error: Type.Union([Type.String(), Type.Null()]),
  text: Type.String({ description: 'The plain-text body (links included, so a stored invitation can be passed on by hand).' }),
  createdAt: Timestamp,
  sentAt: NullableTimestamp,
});

export const MailOutboxPage = Type.Object({
  data: Type.Array(OutboxMail, { description: 'Newest first.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page.' }),
});
