import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { isOwnerInScope, loadRecordScopes, type RecordScope } from '../../platform/access/access.service.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { getRecords, type ModuleMeta, type OrgMetadata } from '../../records/index.js';
import { COMPUTED_TYPES } from '../../records/index.js';
import { formatFieldValue, isEmptyValue } from '../../records/index.js';
import { moduleView, viewOf, type ModuleView } from '../../records/index.js';
import { insertTimeline, selectRecords, type RecordRow } from '../../records/index.js';
import type { BatchResult } from '../../records/index.js';
import { DEFAULT_MAPPING, validateMapping, type ConversionMapping } from './lead-conversion.mapping.js';
import { listAllTimeline } from './lead-conversion.repository.js';

export interface ConvertInput {
  /** Create a deal too, with these values (name, amount, stage, close_date…) over the mapped ones. */
  deal?: Record<string, unknown>;
  /** Use this existing account instead of creating or finding one. */
  accountId?: string;
  /** Use this existing contact (one the preview offered) instead of creating one. */
  contactId?: string;
  /** Create a new account even when one is named like the lead's company. */
  newAccount?: boolean;
}

const CONVERSION_FIELDS = [
  'is_converted',
  'converted_at',
  'converted_contact_id',
  'converted_account_id',
  'converted_deal_id',
  'lead_status',
];

/**
 * Lead conversion (CRM-4): the lead becomes a contact, an account (existing,
 * found by its company name, or new) and optionally a deal, in one
 * transaction through the record service (its checks, timeline and events).
 */
export function createLeadConversionService(ctx: AppContext) {
  const { database } = ctx;
  const recordsModule = getRecords(ctx);
  const { records, duplicates } = recordsModule;
  const metadataOf = (auth: AuthContext) => recordsModule.metadata.get(auth.orgId, auth.orgSchema);

  async function getMapping(auth: AuthContext): Promise<ConversionMapping> {
    const row = await database.db
      .selectFrom('platform.lead_conversion_settings')
      .select('mapping')
      .where('org_id', '=', auth.orgId)
      .executeTakeFirst();
    return row ? (row.mapping as unknown as ConversionMapping) : DEFAULT_MAPPING;
  }

  async function putMapping(auth: AuthContext, mapping: ConversionMapping): Promise<ConversionMapping> {
    const valid = validateMapping(await metadataOf(auth), mapping);
    await database.transaction('leads.conversion-settings', async (trx) => {
      await trx
        .insertInto('platform.lead_conversion_settings')
        .values({ org_id: auth.orgId, mapping: JSON.stringify(valid) })
        .onConflict((oc) => oc.column('org_id').doUpdateSet({ mapping: JSON.stringify(valid), updated_at: new Date() }))
        .execute();
    });
    return valid;
  }

  /** The live lead the caller can see, locked when asked; 404 otherwise. */
  async function findLead(trx: Trx | typeof database.db, metadata: OrgMetadata, scope: RecordScope, id: string, forUpdate: boolean) {
    const leads = metadata.modules.get('leads')!;
    const [row] = await selectRecords(trx, {
      schema: metadata.schema,
      table: leads.table,
      columns: ['id', ...leads.fields.map((f) => f.apiName)],
      where: [
        sql<boolean>`r.id = ${id}`,
        sql<boolean>`r.deleted_at IS NULL`,
        ...(scope.read.all ? [] : [sql<boolean>`r.owner_id = ANY(${scope.read.ownerIds}::uuid[])`]),
      ],
      forUpdate,
    });
    if (!row) throw notFound();
    return row;
  }

  const leadName = (row: RecordRow) => [row.first_name, row.last_name].filter(Boolean).join(' ');

  /** GET …/convert: what a conversion would reuse — accounts named like the lead's company, contacts with its e-mail. */
  async function preview(auth: AuthContext, id: string) {
    const metadata = await metadataOf(auth);
    const leadsView = moduleView(auth, metadata, 'leads', 'read');
    const scopes = await loadRecordScopes(database.db, auth);
    const lead = await findLead(database.db, metadata, scopes('leads'), id, false);
    const visible = (name: string) => (leadsView.byName.has(name) ? (lead[name] as string | null) : null);
    const company = visible('company');
    const email = visible('email');
    const accounts = company
      ? await duplicates.findDuplicates(
          database.db,
          auth,
          viewOf(auth, metadata, metadata.modules.get('accounts')!),
          scopes,
          { name: company },
          { rules: ['name_company'] },
        )
      : [];
    const contacts = email
      ? await duplicates.findDuplicates(
          database.db,
          auth,
          viewOf(auth, metadata, metadata.modules.get('contacts')!),
          scopes,
          { email },
          { rules: ['email'] },
        )
      : [];
    return {
      lead: { id: lead.id, name: leadName(lead), company, email, isConverted: lead.is_converted === true },
      accounts,
      contacts,
    };
  }

  /** Values for a target from the lead's visible fields by the mapping (empty values are left out). */
  function mapValues(leadsView: ModuleView, lead: RecordRow, section: Record<string, string>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [from, to] of Object.entries(section)) {
      const field = leadsView.byName.get(from);
      if (!field) continue;
      const value = formatFieldValue(field, lead[from]);
      if (!isEmptyValue(value)) values[to] = value;
    }
    return values;
  }

  /** A live record of `module` the caller can see, or a 400 naming `field`. */
  async function requireVisible(trx: Trx, metadata: OrgMetadata, module: ModuleMeta, scope: RecordScope, id: string, field: string) {
    const [row] = await selectRecords(trx, {
      schema: metadata.schema,
      table: module.table,
      columns: ['id'],
      where: [
        sql<boolean>`r.id = ${id}`,
        sql<boolean>`r.deleted_at IS NULL`,
        ...(scope.read.all ? [] : [sql<boolean>`r.owner_id = ANY(${scope.read.ownerIds}::uuid[])`]),
      ],
    });
    if (!row) throw badRequest(`No ${module.apiName} record with this id that you can see.`, field);
  }

  /** Creates one record through the record service (duplicates allowed: the preview showed them); errors name `<prefix>.<field>`. */
  async function createOne(
    trx: Trx,
    auth: AuthContext,
    view: ModuleView,
    scopes: (m: string) => RecordScope,
    values: Record<string, unknown>,
    prefix: string,
  ) {
    const [result] = (await records.createMany(trx, auth, view, scopes, [{ index: 0, values }], {
      allowDuplicates: true,
    })) as BatchResult[];
    if (result!.status === 'error') {
      const first = result!.errors[0]!;
      throw new AppError(first.reason === 'unique' ? 'conflict' : 'validation_failed', `${view.module.apiName}: ${first.message}`, {
        field: first.field ? `${prefix}.${first.field}` : prefix,
        reason: first.reason,
        errors: result!.errors,
      });
    }
    return result!.id;
  }

  async function convert(auth: AuthContext, id: string, input: ConvertInput) {
    const metadata = await metadataOf(auth);
    const mapping = await getMapping(auth);
    const leadsView = moduleView(auth, metadata, 'leads', 'edit');
    const contacts = metadata.modules.get('contacts')!;
    const accounts = metadata.modules.get('accounts')!;
    const contactsView = moduleView(auth, metadata, 'contacts', input.contactId ? 'read' : 'create');
    const dealsView = input.deal ? moduleView(auth, metadata, 'deals', 'create') : null;

    const result = await database.transaction('leads.convert', async (trx) => {
      const scopes = await loadRecordScopes(trx, auth);
      const lead = await findLead(trx, metadata, scopes('leads'), id, true);
      if (!isOwnerInScope(scopes('leads').write, lead.owner_id)) throw forbidden('You can see this lead but not change it.');
      if (lead.is_converted === true) throw new AppError('conflict', 'This lead is already converted.', { reason: 'converted' });

      // The account: the one given, one named like the company, or a new one.
      let accountId: string | null = null;
      if (input.accountId) {
        moduleView(auth, metadata, 'accounts', 'read');
        await requireVisible(trx, metadata, accounts, scopes('accounts'), input.accountId, 'accountId');
        accountId = input.accountId;
      } else {
        const accountValues = mapValues(leadsView, lead, mapping.account);
        if (!isEmptyValue(accountValues.name)) {
          const [found] = input.newAccount
            ? []
            : await duplicates.findDuplicates(
                trx,
                auth,
                viewOf(auth, metadata, accounts),
                scopes,
                { name: accountValues.name },
                { rules: ['name_company'] },
              );
          accountId = found
            ? found.id
            : await createOne(trx, auth, moduleView(auth, metadata, 'accounts', 'create'), scopes, accountValues, 'account');
        }
      }

      // The contact: the one given (offered by the preview) or a new one.
      let contactId: string;
      if (input.contactId) {
        await requireVisible(trx, metadata, contacts, scopes('contacts'), input.contactId, 'contactId');
        contactId = input.contactId;
      } else {
        const values = mapValues(leadsView, lead, mapping.contact);
        if (accountId && contactsView.byName.has('account_id')) values.account_id = accountId;
        contactId = await createOne(trx, auth, contactsView, scopes, values, 'contact');
      }

      let dealId: string | null = null;
      if (dealsView && input.deal) {
        const values: Record<string, unknown> = {
          name: (lead.company as string | null) || leadName(lead),
          ...mapValues(leadsView, lead, mapping.deal),
          ...(accountId ? { account_id: accountId } : {}),
          contact_id: contactId,
          ...input.deal,
        };
        dealId = await createOne(trx, auth, dealsView, scopes, values, 'deal');
      }

      // The lead's history goes to the contact before the conversion adds to it.
      const now = ctx.now();
      const history = await listAllTimeline(trx, metadata.schema, id);
      await insertTimeline(
        trx,
        metadata.schema,
        history.map((entry) => ({
          id: newId(),
          module: 'contacts',
          record_id: contactId,
          kind: entry.kind,
          actor_id: entry.actor_id,
          at: entry.at,
          data: { ...entry.data, fromLead: id },
        })),
      );

      // Conversion fields are system fields: written with a view that may write them, never by clients.
      const leads = metadata.modules.get('leads')!;
      const systemView: ModuleView = {
        metadata,
        module: leads,
        visible: leads.fields,
        byName: new Map(leads.fields.map((f) => [f.apiName, f])),
        readOnly: new Set(leads.fields.filter((f) => COMPUTED_TYPES.has(f.type)).map((f) => f.apiName)),
      };
      const conversion = {
        is_converted: true,
        converted_at: now.toISOString(),
        converted_contact_id: contactId,
        converted_account_id: accountId,
        converted_deal_id: dealId,
        lead_status: 'converted',
      };
      await records.updateOne(
        trx,
        auth,
        systemView,
        scopes,
        id,
        Object.fromEntries(CONVERSION_FIELDS.map((f) => [f, conversion[f as keyof typeof conversion]])),
        // Converting ends a lead's Blueprint (its status becomes converted): the one other write allowed to change it.
        { allowBlueprintField: true },
      );

      const converted = { leadId: id, contactId, accountId, dealId };
      await insertTimeline(trx, metadata.schema, [
        { id: newId(), module: 'leads', record_id: id, kind: 'converted', actor_id: auth.userId, at: now, data: converted },
        { id: newId(), module: 'contacts', record_id: contactId, kind: 'converted', actor_id: auth.userId, at: now, data: converted },
        ...(accountId
          ? [{ id: newId(), module: 'accounts', record_id: accountId, kind: 'converted', actor_id: auth.userId, at: now, data: converted }]
          : []),
        ...(dealId
          ? [{ id: newId(), module: 'deals', record_id: dealId, kind: 'converted', actor_id: auth.userId, at: now, data: converted }]
          : []),
      ]);
      await ctx.events.emit(trx, 'lead.converted', auth.orgId, { ...converted, actorId: auth.userId });
      return { contactId, accountId, dealId };
    });
    return result;
  }

  return { getMapping: async (auth: AuthContext) => getMapping(auth), putMapping, preview, convert };
}
