import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { create as contentDisposition } from 'content-disposition';
import { requireAuth } from '../../platform/auth/auth.plugin.js';
import { errorResponses, Uuid } from '../../platform/http/common.schemas.js';
import type { AppContext } from '../../platform/context.js';
import type { RecordService } from '../../records/index.js';
import { meetingToIcs, type MeetingForIcs } from './ics.js';
import { contactToVcard, type ContactForVcard } from './vcard.js';

const tags = ['Records'];
const fileName = (name: string, extension: string) =>
  `${
    name
      .replace(/[^\p{L}\p{N} _.-]+/gu, '')
      .trim()
      .slice(0, 80) || 'record'
  }.${extension}`;

/** A meeting as an .ics file and a contact as a .vcf file (CRM-11), for whoever can read the record. */
export const calendarCardRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; records: RecordService }> = async (app, { ctx, records }) => {
  app.get(
    '/records/meetings/:id/ics',
    {
      schema: {
        tags,
        summary: 'A meeting as an iCalendar file (.ics)',
        params: Type.Object({ id: Uuid }),
        produces: ['text/calendar'],
        response: { 200: Type.String({ description: 'text/calendar' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { data } = await records.get(requireAuth(request), 'meetings', request.params.id);
      const meeting = data as unknown as MeetingForIcs;
      const host = new URL(ctx.config.publicUrl).hostname || 'clave';
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', contentDisposition(fileName(meeting.title, 'ics'), { type: 'attachment' }))
        .send(meetingToIcs(meeting, host, ctx.now()));
    },
  );

  app.get(
    '/records/contacts/:id/vcard',
    {
      schema: {
        tags,
        summary: 'A contact as a vCard file (.vcf)',
        params: Type.Object({ id: Uuid }),
        produces: ['text/vcard'],
        response: { 200: Type.String({ description: 'text/vcard' }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { data, display } = await records.get(requireAuth(request), 'contacts', request.params.id);
      const contact = data as unknown as ContactForVcard;
      const accountName = typeof data.account_id === 'string' ? (display[data.account_id] ?? null) : null;
      const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
      return reply
        .type('text/vcard; charset=utf-8')
        .header('content-disposition', contentDisposition(fileName(name, 'vcf'), { type: 'attachment' }))
        .send(contactToVcard(contact, accountName));
    },
  );
};
