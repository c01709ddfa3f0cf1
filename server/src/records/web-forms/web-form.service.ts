import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { createAttemptThrottle } from '../../platform/auth/attempt-throttle.js';
import { toAuthContext } from '../../platform/auth/session.service.js';
import { loadRecordScopes } from '../../platform/access/access.service.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId, randomSecret } from '../../platform/ids.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ModuleMeta } from '../metadata/metadata.types.js';
import type { RecordService } from '../records/record.service.js';
import { moduleView } from '../records/record-access.js';
import { parseFieldValue } from '../records/field-values.js';
import type { FieldError } from '../records/record-write.js';
import { checkFormToken, issueFormToken } from './web-form-token.js';
import type { PageField } from './web-form-page.js';

/** Field types a stranger may fill in (never ids of records or users). */
const PUBLIC_TYPES = new Set([
  'text',
  'long_text',
  'email',
  'phone',
  'url',
  'integer',
  'decimal',
  'currency',
  'percent',
  'date',
  'boolean',
  'picklist',
  'multi_select',
]);
const HONEYPOT = '_hp';
const TOKEN = '_ts';

export interface WebFormInput {
  name: string;
  module?: string;
  fields: Array<{ field: string; required?: boolean }>;
  defaults?: Record<string, unknown>;
  ownerId?: string;
  language?: 'es' | 'en';
  thankYou?: string | null;
  redirectUrl?: string | null;
  active?: boolean;
}

type Row = Awaited<ReturnType<ReturnType<typeof createWebFormService>['findRow']>>;

/** Web-to-lead forms: administrators define them; anyone on the internet fills them in, through spam checks. */
export function createWebFormService(ctx: AppContext, deps: { records: RecordService; metadata: MetadataStore }) {
  const { database } = ctx;
  // Per address and form: 20 submissions an hour, then growing waits.
  const throttle = createAttemptThrottle(database.db, ctx.now, {
    baseSeconds: 30,
    maxSeconds: 3600,
    message: 'Too many submissions from this address.',
  });

  function present(row: NonNullable<Row>) {
    return {
      id: row.id,
      name: row.name,
      module: row.module,
      publicKey: row.public_key,
      fields: row.fields,
      defaults: row.defaults,
      ownerId: row.owner_id,
      language: row.language as 'es' | 'en',
      thankYou: row.thank_you,
      redirectUrl: row.redirect_url,
      active: row.active,
      submissions: row.submissions,
      pageUrl: `${ctx.config.publicUrl.replace(/\/$/, '')}/api/v1/public/forms/${row.public_key}/page`,
      createdAt: row.created_at.toISOString(),
    };
  }

  async function findRow(orgId: string, id: string) {
    return database.db.selectFrom('platform.web_forms').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async function get(auth: AuthContext, id: string) {
    const row = await findRow(auth.orgId, id);
    if (!row) throw notFound('The form');
    return present(row);
  }

  async function list(auth: AuthContext) {
    const rows = await database.db.selectFrom('platform.web_forms').selectAll().where('org_id', '=', auth.orgId).orderBy('name').execute();
    return rows.map(present);
  }

  /** The form must be fillable: known public fields, every required field of the module asked for or defaulted, an active owner. */
  async function validate(auth: AuthContext, input: Required<Pick<WebFormInput, 'module' | 'fields' | 'defaults'>> & { ownerId: string }) {
    const metadata = await deps.metadata.get(auth.orgId, auth.orgSchema);
    const module = metadata.modules.get(input.module);
    if (!module || module.hidden) throw badRequest(`Unknown module "${input.module}".`, 'module');
    const byName = new Map(module.fields.map((field) => [field.apiName, field]));
    const seen = new Set<string>();
    input.fields.forEach((entry, index) => {
      const field = byName.get(entry.field);
      if (!field || field.hidden || field.isSystem || !PUBLIC_TYPES.has(field.type))
        throw badRequest(`"${entry.field}" cannot be on a public form.`, `fields[${index}].field`);
      if (seen.has(entry.field)) throw badRequest(`"${entry.field}" appears twice.`, `fields[${index}].field`);
      seen.add(entry.field);
    });
    for (const [name, value] of Object.entries(input.defaults)) {
      const field = byName.get(name);
      if (!field || field.isSystem) throw badRequest(`Unknown field "${name}".`, `defaults.${name}`);
      const parsed = parseFieldValue(field, value);
      if (!parsed.ok) throw badRequest(`${name} ${parsed.message}.`, `defaults.${name}`);
    }
    for (const field of module.fields) {
      if (
        field.required &&
        !field.isSystem &&
        field.apiName !== 'owner_id' &&
        !seen.has(field.apiName) &&
        !(field.apiName in input.defaults) &&
        field.defaultValue === null
      ) {
        throw badRequest(`The module requires "${field.apiName}": put it on the form or give it a default.`, 'fields');
      }
    }
    const owner = await toAuthContext(database.db, input.ownerId, 'token');
    if (!owner || owner.orgId !== auth.orgId) throw badRequest('The owner must be an active user of the organization.', 'ownerId');
    return module;
  }

  async function create(auth: AuthContext, input: WebFormInput) {
    const module = input.module ?? 'leads';
    const ownerId = input.ownerId ?? auth.userId;
    const defaults = input.defaults ?? (module === 'leads' ? { lead_source: 'web_form' } : {});
    await validate(auth, { module, fields: input.fields, defaults, ownerId });
    const id = newId();
    await database.db
      .insertInto('platform.web_forms')
      .values({
        id,
        org_id: auth.orgId,
        public_key: randomSecret(12),
        secret: randomSecret(32),
        name: input.name.trim(),
        module,
        fields: JSON.stringify(input.fields.map((f) => ({ field: f.field, required: f.required ?? false }))),
        defaults: JSON.stringify(defaults),
        owner_id: ownerId,
        language: input.language ?? 'es',
        thank_you: input.thankYou ?? null,
        redirect_url: input.redirectUrl ?? null,
        active: input.active ?? true,
      })
      .execute();
    return get(auth, id);
  }

  async function update(auth: AuthContext, id: string, input: Partial<WebFormInput>) {
    const row = await findRow(auth.orgId, id);
    if (!row) throw notFound('The form');
    const fields = input.fields?.map((f) => ({ field: f.field, required: f.required ?? false })) ?? row.fields;
    const defaults = input.defaults ?? row.defaults;
    const ownerId = input.ownerId ?? row.owner_id;
    await validate(auth, { module: row.module, fields, defaults, ownerId });
    await database.db
      .updateTable('platform.web_forms')
      .set({
        name: input.name?.trim() ?? row.name,
        fields: JSON.stringify(fields),
        defaults: JSON.stringify(defaults),
        owner_id: ownerId,
        language: input.language ?? row.language,
        thank_you: input.thankYou === undefined ? row.thank_you : input.thankYou,
        redirect_url: input.redirectUrl === undefined ? row.redirect_url : input.redirectUrl,
        active: input.active ?? row.active,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
    return get(auth, id);
  }

  async function remove(auth: AuthContext, id: string) {
    const result = await database.db
      .deleteFrom('platform.web_forms')
      .where('org_id', '=', auth.orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('The form');
  }

  async function findPublic(key: string) {
    const row = await database.db
      .selectFrom('platform.web_forms')
      .selectAll()
      .where('public_key', '=', key)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!row) throw notFound('The form');
    const schema = (
      await database.db.selectFrom('platform.organizations').select('schema_name').where('id', '=', row.org_id).executeTakeFirstOrThrow()
    ).schema_name;
    const module = (await deps.metadata.get(row.org_id, schema)).modules.get(row.module);
    if (!module) throw notFound('The form');
    return { row, module };
  }

  function pageFields(row: NonNullable<Row>, module: ModuleMeta): PageField[] {
    const language = row.language === 'en' ? 'en' : 'es';
    return row.fields.flatMap((entry) => {
      const field = module.fields.find((f) => f.apiName === entry.field && !f.hidden);
      if (!field) return [];
      return [
        {
          field: field.apiName,
          label: field.labels[language],
          type: field.type,
          required: entry.required,
          values: field.options.values?.filter((v) => !v.hidden).map((v) => ({ code: v.code, label: v.labels[language] })),
        },
      ];
    });
  }

  /** What a site needs to draw the form, with a fresh timing token. */
  async function definition(key: string) {
    const { row, module } = await findPublic(key);
    return {
      name: row.name,
      language: row.language,
      fields: pageFields(row, module),
      token: issueFormToken(row.secret, ctx.now()),
      thankYou: row.thank_you,
    };
  }

  /**
   * A submission: throttled per address, a filled honeypot is quietly dropped
   * (bots are not told), the timing token must be good; then the record is
   * created as the form's owner with the form's defaults.
   */
  async function submit(key: string, body: Record<string, unknown>, ip: string): Promise<{ created: boolean; row: NonNullable<Row> }> {
    const { row, module } = await findPublic(key);
    await throttle.consume([{ key: `webform:${row.id}:${ip}`, free: 20 }]);
    if (typeof body[HONEYPOT] === 'string' && body[HONEYPOT] !== '') return { created: false, row };
    const tokenProblem = checkFormToken(row.secret, body[TOKEN], ctx.now());
    if (tokenProblem) {
      throw new AppError('validation_failed', 'The form could not be checked; reload the page and send it again.', {
        field: TOKEN,
        reason: `spam_check_${tokenProblem}`,
      });
    }
    const errors: FieldError[] = [];
    const values: Record<string, unknown> = { ...row.defaults };
    for (const entry of row.fields) {
      const field = module.fields.find((f) => f.apiName === entry.field);
      if (!field) continue;
      let raw = body[entry.field];
      if (field.type === 'multi_select' && typeof raw === 'string') raw = [raw];
      if (field.type === 'boolean' && raw === undefined) raw = false;
      if (entry.required && (raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0))) {
        errors.push({ field: entry.field, message: `${field.labels.en} is required.`, reason: 'required' });
      } else if (raw !== undefined && raw !== '') values[entry.field] = raw;
    }
    // No owner_id: the record's owner is the form's owner (the creator below) unless an assignment rule picks one.
    delete values.owner_id;
    if (errors.length > 0) throw new AppError('validation_failed', errors[0]!.message, { field: errors[0]!.field, errors });
    const owner = await toAuthContext(database.db, row.owner_id, 'token');
    if (!owner) throw new AppError('conflict', 'This form is not accepting answers right now.', { reason: 'form_owner_inactive' });
    const metadata = await deps.metadata.get(owner.orgId, owner.orgSchema);
    // The form acts for its owner: their permissions decide, as if they had typed the record.
    const view = moduleView(owner, metadata, row.module, 'create');
    await database.transaction('web-forms.submit', async (trx) => {
      // A visitor writing again is no reason to lose the answer: duplicates are for people to merge later.
      const [result] = await deps.records.createMany(trx, owner, view, await loadRecordScopes(trx, owner), [{ index: 0, values }], {
        allowDuplicates: true,
      });
      if (result!.status === 'error') {
        throw new AppError('validation_failed', result!.errors[0]!.message, { field: result!.errors[0]!.field, errors: result!.errors });
      }
      await trx
        .updateTable('platform.web_forms')
        .set((eb) => ({ submissions: eb('submissions', '+', 1) }))
        .where('id', '=', row.id)
        .execute();
    });
    return { created: true, row };
  }

  return { list, get, create, update, remove, definition, submit, findRow, pageFields, findPublic };
}
