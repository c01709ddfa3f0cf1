import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { RecordService } from '../records/record.service.js';
import { insertTimeline } from '../records/record.repository.js';
import { placeholders, renderMergeFields } from './merge-fields.js';

export interface TemplateInput {
  name: string;
  module?: string | null;
  subject: string;
  body: string;
}

export interface SendInput {
  to: string[];
  cc?: string[];
  subject?: string;
  body?: string;
  templateId?: string;
}

const presentTemplate = (row: {
  id: string;
  module: string | null;
  name: string;
  subject: string;
  body: string;
  created_by: string | null;
  updated_at: Date;
}) => ({
  id: row.id,
  module: row.module,
  name: row.name,
  subject: row.subject,
  body: row.body,
  createdBy: row.created_by,
  updatedAt: row.updated_at.toISOString(),
});

/** E-mail templates, and writing an e-mail from a record: merged, sent through SMTP (or the outbox), logged on the record's timeline. */
export function createRecordEmailService(ctx: AppContext, deps: { records: RecordService; metadata: MetadataStore }) {
  const { database } = ctx;

  async function listTemplates(auth: AuthContext, module?: string) {
    let query = database.db.selectFrom('platform.email_templates').selectAll().where('org_id', '=', auth.orgId);
    if (module) query = query.where((eb) => eb.or([eb('module', '=', module), eb('module', 'is', null)]));
    return (await query.orderBy('name').execute()).map(presentTemplate);
  }

  async function findTemplate(auth: AuthContext, id: string) {
    const row = await database.db
      .selectFrom('platform.email_templates')
      .selectAll()
      .where('org_id', '=', auth.orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('The template');
    return row;
  }

  async function checkModule(auth: AuthContext, module: string | null | undefined) {
    if (!module) return;
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    if (!metadata.modules.has(module)) throw badRequest(`Unknown module "${module}".`, 'module');
  }

  async function createTemplate(auth: AuthContext, input: TemplateInput) {
    await checkModule(auth, input.module);
    const id = newId();
    await database.db
      .insertInto('platform.email_templates')
      .values({
        id,
        org_id: auth.orgId,
        module: input.module ?? null,
        name: input.name.trim(),
        subject: input.subject,
        body: input.body,
        created_by: auth.userId,
      })
      .execute();
    return presentTemplate(await findTemplate(auth, id));
  }

  /** The author and administrators change or remove a template; everyone in the organization uses it. */
  async function assertOwnTemplate(auth: AuthContext, id: string) {
    const row = await findTemplate(auth, id);
    if (!auth.isAdmin && row.created_by !== auth.userId)
      throw new AppError('forbidden', 'Only its author or an administrator can change this template.');
  }

  async function updateTemplate(auth: AuthContext, id: string, input: Partial<TemplateInput>) {
    await assertOwnTemplate(auth, id);
    await checkModule(auth, input.module);
    await database.db
      .updateTable('platform.email_templates')
      .set({ ...input, ...(input.name ? { name: input.name.trim() } : {}), updated_at: new Date() })
      .where('org_id', '=', auth.orgId)
      .where('id', '=', id)
      .execute();
    return presentTemplate(await findTemplate(auth, id));
  }

  async function deleteTemplate(auth: AuthContext, id: string) {
    await assertOwnTemplate(auth, id);
    await database.db.deleteFrom('platform.email_templates').where('org_id', '=', auth.orgId).where('id', '=', id).execute();
  }

  /** Merge values from the record as the writer sees it: picklists by label, lookups and users by name. */
  async function mergeValues(auth: AuthContext, module: string, id: string) {
    const { data, display } = await deps.records.get(auth, module, id);
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const language = auth.language === 'en' ? 'en' : 'es';
    const values = new Map<string, string>([
      ['me.name', auth.name],
      ['me.email', auth.email],
    ]);
    for (const field of metadata.modules.get(module)!.fields) {
      if (!(field.apiName in data)) continue;
      const value = data[field.apiName];
      if (value === null || value === undefined) values.set(field.apiName, '');
      else if (field.type === 'picklist')
        values.set(field.apiName, field.options.values?.find((v) => v.code === value)?.labels[language] ?? String(value));
      else if (field.type === 'lookup' || field.type === 'user') values.set(field.apiName, display[value as string] ?? '');
      else if (Array.isArray(value)) values.set(field.apiName, value.join(', '));
      else values.set(field.apiName, String(value));
    }
    return values;
  }

  async function send(auth: AuthContext, module: string, id: string, input: SendInput) {
    const template = input.templateId ? await findTemplate(auth, input.templateId) : undefined;
    const subject = input.subject ?? template?.subject;
    const body = input.body ?? template?.body;
    if (!subject?.trim()) throw badRequest('The e-mail needs a subject.', 'subject');
    if (!body?.trim()) throw badRequest('The e-mail needs a body.', 'body');
    const values = await mergeValues(auth, module, id);
    const unknown = [...placeholders(subject), ...placeholders(body)].filter((name) => !values.has(name));
    if (unknown.length > 0) {
      throw new AppError('validation_failed', `Unknown merge field {{${unknown[0]}}}.`, {
        field: placeholders(subject).includes(unknown[0]!) ? 'subject' : 'body',
        unknown,
      });
    }
    const text = renderMergeFields(body, values);
    const mergedSubject = renderMergeFields(subject, values).replace(/[\r\n]+/g, ' ');
    const mail = await ctx.mailer.send({
      orgId: auth.orgId,
      to: input.to.join(', '),
      cc: input.cc,
      subject: mergedSubject,
      text,
      replyTo: auth.email,
      fromName: auth.name,
    });
    const entryId = newId();
    await database.transaction('records.email-logged', async (trx) => {
      await insertTimeline(trx, auth.orgSchema, [
        {
          id: entryId,
          module,
          record_id: id,
          kind: 'email',
          actor_id: auth.userId,
          data: {
            direction: 'outbound',
            to: input.to,
            cc: input.cc ?? [],
            subject: mergedSubject,
            excerpt: text.slice(0, 500),
            status: mail.status,
            mailId: mail.id,
          },
        },
      ]);
      await ctx.events.emit(trx, 'email.sent', auth.orgId, {
        module,
        id,
        timelineId: entryId,
        to: input.to,
        subject: mergedSubject,
        status: mail.status,
        actorId: auth.userId,
      });
    });
    return { mailId: mail.id, status: mail.status, timelineId: entryId, subject: mergedSubject, text };
  }

  return { listTemplates, createTemplate, updateTemplate, deleteTemplate, send };
}
