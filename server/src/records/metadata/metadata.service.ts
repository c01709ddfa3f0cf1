import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import type { AppContext } from '../../platform/context.js';
import type { AuthContext } from '../../platform/auth/auth-context.js';
import { canModuleAction, fieldAccess, MODULE_ACTIONS } from '../../platform/access/access.service.js';
import { recordAudit } from '../../platform/audit/audit.service.js';
import { AppError, badRequest, notFound } from '../../platform/http/app-error.js';
import { newId } from '../../platform/ids.js';
import { isUniqueViolation } from '../../db/pg-errors.js';
import { SYSTEM_FIELDS, f } from './catalog-builders.js';
import { customApiName, slugify } from './api-names.js';
import { addColumnStatements, createTableStatements, dropUniqueIndexStatement, uniqueIndexStatement } from './ddl.js';
import { COMPUTED_TYPES, UNIQUE_CAPABLE, type FieldType } from './field-types.js';
import { loadOrgMetadata, type MetadataStore } from './metadata-store.js';
import type { FieldMeta, FieldOptions, Labels, ModuleMeta, OrgMetadata, PicklistValue } from './metadata.types.js';
import { insertFields, insertModule, maxModulePosition, updateFieldRow, updateModuleRow } from './metadata.repository.js';
import { runStatements } from './provision.js';
import { dropFieldSearchIndexStatements, SEARCHABLE_TYPES, searchIndexStatements, trigramSchema } from '../search/search-sql.js';
import { compileFilter } from '../records/record-filter.js';
import { fullFilterScope } from '../records/record-access.js';
import { parseFieldValue } from '../records/field-values.js';
import { compileFormula, FormulaError, FORMULA_RETURN_TYPES } from '../formulas/formula.js';
import { backfillRollup, checkRollupOptions } from '../formulas/rollup.js';

/** The SQL of a formula's generated column; a bad expression is a 400 naming options.expression, with its position. */
function formulaSql(module: ModuleMeta, options: FieldOptions): string {
  try {
    return compileFormula(options.expression ?? '', options.returnType!, module.fields, options.scale ?? 2).sql;
  } catch (error) {
    if (error instanceof FormulaError)
      throw new AppError('validation_failed', error.message, { field: 'options.expression', reason: 'invalid', position: error.position });
    throw error;
  }
}

const isDatabaseError = (error: unknown): error is Error & { code: string } => {
  const code = error instanceof Error ? (error as unknown as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
};

const lang = (auth: AuthContext): 'es' | 'en' => (auth.language === 'en' ? 'en' : 'es');

export interface CreateFieldInput {
  label: string;
  labels?: Labels;
  type: FieldType;
  required?: boolean;
  unique?: boolean;
  defaultValue?: unknown;
  helpText?: string;
  options?: FieldOptions;
  section?: string;
}

/** Settings → Modules and fields: reading metadata as the caller sees it, and the administrator's changes (live DDL). */
/** Whether the global search looks at a field: the name's fields always, others when opted in. */
const isSearched = (module: ModuleMeta, apiName: string) => module.displayFields.includes(apiName) || module.searchFields.includes(apiName);

export function createMetadataService(ctx: AppContext, store: MetadataStore) {
  const { database } = ctx;

  function summary(auth: AuthContext, module: ModuleMeta) {
    const l = lang(auth);
    return {
      id: module.id,
      apiName: module.apiName,
      label: module.labels[l].singular,
      pluralLabel: module.labels[l].plural,
      labels: module.labels,
      isStandard: module.isStandard,
      position: module.position,
      permissions: Object.fromEntries(MODULE_ACTIONS.map((action) => [action, canModuleAction(auth, module.apiName, action)])) as Record<
        (typeof MODULE_ACTIONS)[number],
        boolean
      >,
    };
  }

  async function listModules(auth: AuthContext) {
    const metadata = await store.get(auth.orgId, auth.orgSchema);
    return [...metadata.modules.values()].filter((m) => !m.hidden && canModuleAction(auth, m.apiName, 'read')).map((m) => summary(auth, m));
  }

  function visibleModule(auth: AuthContext, metadata: OrgMetadata, apiName: string): ModuleMeta {
    const module = metadata.modules.get(apiName);
    if (!module || (module.hidden && !auth.isAdmin) || !canModuleAction(auth, apiName, 'read')) throw notFound('The module');
    return module;
  }

  async function getModule(auth: AuthContext, apiName: string) {
    const metadata = await store.get(auth.orgId, auth.orgSchema);
    const module = visibleModule(auth, metadata, apiName);
    const l = lang(auth);
    const access = fieldAccess(auth, apiName);
    const fields = module.fields.filter((field) => !field.hidden && !access.hidden.has(field.apiName));
    const names = new Set(fields.map((field) => field.apiName));
    const relatedLists = [...metadata.modules.values()]
      .filter((other) => !other.hidden && canModuleAction(auth, other.apiName, 'read'))
      .flatMap((other) =>
        other.fields
          .filter(
            (field) =>
              field.type === 'lookup' &&
              field.options.target === apiName &&
              !field.hidden &&
              !fieldAccess(auth, other.apiName).hidden.has(field.apiName),
          )
          .map((field) => ({ module: other.apiName, field: field.apiName, label: `${other.labels[l].plural} (${field.labels[l]})` })),
      );
    return {
      ...summary(auth, module),
      // Administrators also get the fields hidden for everyone, so Settings can show them again.
      ...(auth.isAdmin
        ? {
            hiddenFields: module.fields
              .filter((field) => field.hidden)
              .map((field) => ({ apiName: field.apiName, type: field.type, label: field.labels[l], isStandard: field.isStandard })),
          }
        : {}),
      displayFields: module.displayFields,
      fields: fields.map((field) => ({
        id: field.id,
        apiName: field.apiName,
        type: field.type,
        label: field.labels[l],
        labels: field.labels,
        isStandard: field.isStandard,
        isSystem: field.isSystem,
        readOnly: field.isSystem || COMPUTED_TYPES.has(field.type) || access.readOnly.has(field.apiName),
        required: field.required,
        unique: field.unique,
        defaultValue: field.defaultValue,
        helpText: field.helpText,
        options: field.options as Record<string, unknown>,
        searchable: isSearched(module, field.apiName),
      })),
      layout: module.layout.map((s) => ({
        key: s.key,
        label: s.labels[l],
        labels: s.labels,
        fields: s.fields.filter((name) => names.has(name)),
      })),
      relatedLists,
      validationRules: auth.isAdmin ? module.validationRules : [],
    };
  }

  /** Runs an administrator's metadata change: DDL waits at most 5 s for locks (a busy table is a 409, not a stall). */
  async function change<T>(auth: AuthContext, label: string, fn: (trx: Trx, metadata: OrgMetadata) => Promise<T>): Promise<T> {
    try {
      return await database.transaction(label, async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(7202634, hashtext(${auth.orgId}))`.execute(trx);
        await sql`SET LOCAL lock_timeout = '5s'`.execute(trx);
        const metadata = await loadOrgMetadata(trx, auth.orgId, auth.orgSchema);
        const result = await fn(trx, metadata);
        await store.invalidate(trx, auth.orgId);
        return result;
      });
    } catch (error) {
      if ((error as { code?: string }).code === '55P03')
        throw new AppError('conflict', 'The module is busy; try again in a moment.', { reason: 'busy' });
      throw error;
    }
  }

  async function createModule(auth: AuthContext, input: { singular: string; plural: string; labels?: ModuleMeta['labels'] }, ip?: string) {
    const apiName = await change(auth, 'metadata.create-module', async (trx, metadata) => {
      const name = customApiName(input.plural, new Set(metadata.modules.keys()));
      const labels = input.labels ?? {
        es: { singular: input.singular, plural: input.plural },
        en: { singular: input.singular, plural: input.plural },
      };
      const id = newId();
      const fields = [...SYSTEM_FIELDS, f('name', 'text', 'Nombre', 'Name', { required: true })];
      await insertModule(trx, {
        id,
        org_id: auth.orgId,
        api_name: name,
        labels: JSON.stringify(labels),
        is_standard: false,
        table_name: name,
        display_fields: JSON.stringify(['name']),
        layout: JSON.stringify([{ key: 'main', labels: { es: 'Información', en: 'Information' }, fields: ['name', 'owner_id'] }]),
        position: (await maxModulePosition(trx, auth.orgId)) + 1,
      });
      await insertFields(
        trx,
        fields.map((field, index) => ({
          id: newId(),
          org_id: auth.orgId,
          module_id: id,
          api_name: field.apiName,
          type: field.type,
          labels: JSON.stringify(field.labels),
          is_standard: true,
          is_system: field.system ?? false,
          required: field.required ?? false,
          is_unique: false,
          default_value: null,
          position: index + 1,
          help_text: null,
          options: '{}',
        })),
      );
      await runStatements(trx, [
        ...createTableStatements(
          auth.orgSchema,
          name,
          fields.map((field) => ({ apiName: field.apiName, type: field.type, unique: false, options: {} })),
        ),
        // The global search finds records of the new module by name.
        ...searchIndexStatements(auth.orgSchema, name, await trigramSchema(trx), ['name'], []),
      ]);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'module.created',
        targetType: 'module',
        targetId: id,
        after: { apiName: name, labels },
        ip,
      });
      return name;
    });
    return getModule(auth, apiName);
  }

  async function updateModule(
    auth: AuthContext,
    apiName: string,
    input: { labels?: ModuleMeta['labels']; hidden?: boolean; layout?: ModuleMeta['layout'] },
    ip?: string,
  ) {
    await change(auth, 'metadata.update-module', async (trx, metadata) => {
      const module = metadata.modules.get(apiName);
      if (!module) throw notFound('The module');
      if (input.hidden !== undefined && module.isStandard)
        throw badRequest('Standard modules cannot be hidden; take the read permission away in profiles.', 'hidden');
      if (input.layout) {
        const known = new Set(module.fields.map((field) => field.apiName));
        input.layout.forEach((s, i) =>
          s.fields.forEach((name, j) => {
            if (!known.has(name)) throw badRequest(`Unknown field "${name}".`, `layout[${i}].fields[${j}]`);
          }),
        );
      }
      await updateModuleRow(trx, auth.orgId, module.id, {
        ...(input.labels ? { labels: JSON.stringify(input.labels) } : {}),
        ...(input.hidden !== undefined ? { hidden: input.hidden } : {}),
        ...(input.layout ? { layout: JSON.stringify(input.layout) } : {}),
      });
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'module.updated',
        targetType: 'module',
        targetId: module.id,
        after: input,
        ip,
      });
    });
    return getModule(auth, apiName);
  }

  function checkOptions(metadata: OrgMetadata, module: ModuleMeta, type: FieldType, options: FieldOptions): FieldOptions {
    const clean: FieldOptions = { ...options };
    if (clean.pattern !== undefined) {
      try {
        new RegExp(clean.pattern, 'u');
      } catch {
        throw badRequest('The pattern is not a valid regular expression.', 'options.pattern');
      }
    }
    if (clean.min !== undefined && clean.max !== undefined && clean.min > clean.max)
      throw badRequest('min is greater than max.', 'options.min');
    if (type === 'picklist' || type === 'multi_select') {
      const values = clean.values ?? [];
      if (values.length === 0) throw badRequest('A picklist needs at least one value.', 'options.values');
      const codes = new Set<string>();
      for (const [i, value] of values.entries()) {
        if (codes.has(value.code)) throw badRequest(`The code "${value.code}" appears twice.`, `options.values[${i}].code`);
        codes.add(value.code);
      }
    }
    if (type === 'lookup') {
      if (!clean.target || !metadata.modules.has(clean.target))
        throw badRequest('A lookup names the module it points to.', 'options.target');
      delete clean.targetField;
    }
    if (type === 'formula') {
      if (!clean.returnType || !FORMULA_RETURN_TYPES.includes(clean.returnType))
        throw badRequest(`A formula returns one of ${FORMULA_RETURN_TYPES.join(', ')}.`, 'options.returnType');
      if (typeof clean.expression !== 'string') throw badRequest('A formula needs an expression.', 'options.expression');
    }
    if (type === 'rollup') checkRollupOptions(metadata, module, clean);
    else delete clean.rollup;
    return clean;
  }

  /** Picklist values given by label only get codes from their labels. */
  function withCodes(values: PicklistValue[] | undefined): PicklistValue[] | undefined {
    return values?.map((value) => ({ ...value, code: value.code || slugify(value.labels.en || value.labels.es) }));
  }

  async function createField(auth: AuthContext, moduleName: string, input: CreateFieldInput, ip?: string) {
    const apiName = await change(auth, 'metadata.create-field', async (trx, metadata) => {
      const module = metadata.modules.get(moduleName);
      if (!module) throw notFound('The module');
      if (input.unique && !UNIQUE_CAPABLE.has(input.type)) throw badRequest(`A ${input.type} field cannot be unique.`, 'unique');
      const options = checkOptions(metadata, module, input.type, { ...input.options, values: withCodes(input.options?.values) });
      const name = customApiName(input.label, new Set(module.fields.map((field) => field.apiName)));
      const labels = input.labels ?? { es: input.label, en: input.label };
      const meta: FieldMeta = {
        id: newId(),
        apiName: name,
        type: input.type,
        labels,
        isStandard: false,
        isSystem: false,
        required: input.required ?? false,
        unique: input.unique ?? false,
        defaultValue: null,
        hidden: false,
        position: Math.max(0, ...module.fields.map((field) => field.position)) + 1,
        helpText: input.helpText ?? null,
        options,
      };
      if (input.defaultValue !== undefined && input.defaultValue !== null) {
        const parsed = parseFieldValue(meta, input.defaultValue);
        if (!parsed.ok) throw badRequest(`The default value ${parsed.message}.`, 'defaultValue');
        meta.defaultValue = parsed.value instanceof Date ? parsed.value.toISOString() : parsed.value;
      }
      await insertFields(trx, [
        {
          id: meta.id,
          org_id: auth.orgId,
          module_id: module.id,
          api_name: name,
          type: meta.type,
          labels: JSON.stringify(labels),
          is_standard: false,
          required: meta.required,
          is_unique: meta.unique,
          default_value: meta.defaultValue === null ? null : JSON.stringify(meta.defaultValue),
          position: meta.position,
          help_text: meta.helpText,
          options: JSON.stringify(options),
        },
      ]);
      const generatedSql = meta.type === 'formula' ? formulaSql(module, options) : undefined;
      try {
        await runStatements(
          trx,
          addColumnStatements(auth.orgSchema, module.table, { apiName: name, type: meta.type, unique: meta.unique, options, generatedSql }),
        );
      } catch (error) {
        // The compiler only writes immutable SQL; should PostgreSQL still refuse it, that is the formula's fault, not a server error.
        if (generatedSql && isDatabaseError(error))
          throw badRequest(`PostgreSQL cannot compute this formula: ${error.message}`, 'options.expression');
        throw error;
      }
      if (meta.type === 'rollup') await backfillRollup(trx, metadata, module, { ...meta, apiName: name });
      const layout = module.layout.map((s) => ({ ...s, fields: [...s.fields] }));
      const target = layout.find((s) => s.key === input.section) ?? layout[0];
      if (input.section && !layout.some((s) => s.key === input.section)) throw badRequest(`Unknown section "${input.section}".`, 'section');
      if (target) target.fields.push(name);
      else layout.push({ key: 'main', labels: { es: 'Información', en: 'Information' }, fields: [name] });
      await updateModuleRow(trx, auth.orgId, module.id, { layout: JSON.stringify(layout) });
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'field.created',
        targetType: 'field',
        targetId: meta.id,
        after: { module: moduleName, apiName: name, type: meta.type },
        ip,
      });
      return name;
    });
    const detail = await getModule(auth, moduleName);
    return detail.fields.find((field) => field.apiName === apiName)!;
  }

  async function updateField(
    auth: AuthContext,
    moduleName: string,
    fieldName: string,
    input: {
      label?: string;
      labels?: Labels;
      required?: boolean;
      unique?: boolean;
      hidden?: boolean;
      defaultValue?: unknown;
      helpText?: string | null;
      options?: FieldOptions;
      searchable?: boolean;
    },
    ip?: string,
  ) {
    await change(auth, 'metadata.update-field', async (trx, metadata) => {
      const module = metadata.modules.get(moduleName);
      const field = module?.fields.find((candidate) => candidate.apiName === fieldName);
      if (!module || !field) throw notFound('The field');
      if (field.isSystem && (input.required !== undefined || input.unique !== undefined || input.hidden !== undefined)) {
        throw badRequest('System fields keep their settings; only the label can change.', 'required');
      }
      if (field.apiName === 'owner_id' && input.hidden) throw badRequest('The owner cannot be hidden.', 'hidden');
      const changes: Record<string, unknown> = {};
      if (input.labels || input.label) changes.labels = JSON.stringify(input.labels ?? { es: input.label, en: input.label });
      if (input.required !== undefined) changes.required = input.required;
      if (input.hidden !== undefined) changes.hidden = input.hidden;
      if (input.helpText !== undefined) changes.help_text = input.helpText;
      if (input.options) {
        const merged = { ...field.options, ...input.options, values: withCodes(input.options.values) ?? field.options.values };
        if (input.options.target && input.options.target !== field.options.target)
          throw badRequest('A lookup keeps the module it points to.', 'options.target');
        const previous = new Set((field.options.values ?? []).map((value) => value.code));
        for (const code of previous) {
          if (!(merged.values ?? []).some((value) => value.code === code)) {
            throw badRequest(`The value "${code}" cannot be removed (records may hold it); hide it instead.`, 'options.values');
          }
        }
        if (
          (field.type === 'formula' &&
            (merged.expression !== field.options.expression || merged.returnType !== field.options.returnType)) ||
          (field.type === 'rollup' && JSON.stringify(merged.rollup) !== JSON.stringify(field.options.rollup))
        ) {
          throw badRequest(
            'The calculation of a formula or roll-up cannot change: create a new field and hide this one.',
            field.type === 'formula' ? 'options.expression' : 'options.rollup',
          );
        }
        changes.options = JSON.stringify(checkOptions(metadata, module, field.type, merged));
      }
      if (input.defaultValue !== undefined) {
        if (input.defaultValue === null) changes.default_value = null;
        else {
          const parsed = parseFieldValue(field, input.defaultValue);
          if (!parsed.ok) throw badRequest(`The default value ${parsed.message}.`, 'defaultValue');
          changes.default_value = JSON.stringify(parsed.value instanceof Date ? parsed.value.toISOString() : parsed.value);
        }
      }
      if (input.unique !== undefined && input.unique !== field.unique) {
        if (input.unique && !UNIQUE_CAPABLE.has(field.type)) throw badRequest(`A ${field.type} field cannot be unique.`, 'unique');
        changes.is_unique = input.unique;
        try {
          await sql`SAVEPOINT make_unique`.execute(trx);
          await runStatements(trx, [
            input.unique
              ? uniqueIndexStatement(auth.orgSchema, module.table, field.apiName)
              : dropUniqueIndexStatement(auth.orgSchema, module.table, field.apiName),
          ]);
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new AppError('conflict', 'Some records share a value of this field: fix them before making it unique.', {
              field: 'unique',
              reason: 'duplicates',
            });
          }
          throw error;
        }
      }
      if (input.searchable !== undefined && !module.displayFields.includes(field.apiName)) {
        // The name's fields are always searched; another field is opted in (with its indexes) or out.
        if (input.searchable && !SEARCHABLE_TYPES.has(field.type))
          throw badRequest('Only text, e-mail, phone, URL and auto-number fields can be searched.', 'searchable');
        const searchFields = input.searchable
          ? [...new Set([...module.searchFields, field.apiName])]
          : module.searchFields.filter((name) => name !== field.apiName);
        await updateModuleRow(trx, auth.orgId, module.id, { search_fields: JSON.stringify(searchFields) });
        await runStatements(
          trx,
          input.searchable
            ? searchIndexStatements(auth.orgSchema, module.table, await trigramSchema(trx), module.displayFields, [field])
            : dropFieldSearchIndexStatements(auth.orgSchema, module.table, field.apiName),
        );
      }
      await updateFieldRow(trx, auth.orgId, field.id, changes);
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'field.updated',
        targetType: 'field',
        targetId: field.id,
        after: { module: moduleName, field: fieldName, ...input },
        ip,
      });
    });
    const metadata = await store.get(auth.orgId, auth.orgSchema);
    const updated = metadata.modules.get(moduleName)!;
    const field = updated.fields.find((candidate) => candidate.apiName === fieldName)!;
    return {
      id: field.id,
      apiName: field.apiName,
      type: field.type,
      label: field.labels[lang(auth)],
      labels: field.labels,
      isStandard: field.isStandard,
      isSystem: field.isSystem,
      readOnly: field.isSystem || COMPUTED_TYPES.has(field.type),
      required: field.required,
      unique: field.unique,
      defaultValue: field.defaultValue,
      helpText: field.helpText,
      options: field.options as Record<string, unknown>,
      hidden: field.hidden,
      searchable: isSearched(updated, field.apiName),
    };
  }

  async function createValidationRule(
    auth: AuthContext,
    moduleName: string,
    input: { name: string; condition: unknown; message: string; active?: boolean },
    ip?: string,
  ) {
    const id = newId();
    await change(auth, 'metadata.create-rule', async (trx, metadata) => {
      const module = metadata.modules.get(moduleName);
      if (!module) throw notFound('The module');
      // Compiling checks the condition: a bad field or operator is a 400 naming it.
      try {
        compileFilter(input.condition, module, fullFilterScope(metadata));
      } catch (error) {
        if (error instanceof AppError) throw new AppError('validation_failed', error.message, { field: 'condition' });
        throw error;
      }
      await trx
        .insertInto('platform.validation_rules')
        .values({
          id,
          org_id: auth.orgId,
          module_id: module.id,
          name: input.name,
          condition: JSON.stringify(input.condition),
          message: input.message,
          active: input.active ?? true,
        })
        .execute();
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'validation_rule.created',
        targetType: 'validation_rule',
        targetId: id,
        after: input,
        ip,
      });
    });
    return { id, name: input.name, condition: input.condition, message: input.message, active: input.active ?? true };
  }

  async function deleteValidationRule(auth: AuthContext, moduleName: string, id: string, ip?: string) {
    await change(auth, 'metadata.delete-rule', async (trx, metadata) => {
      const module = metadata.modules.get(moduleName);
      const result = module
        ? await trx
            .deleteFrom('platform.validation_rules')
            .where('org_id', '=', auth.orgId)
            .where('module_id', '=', module.id)
            .where('id', '=', id)
            .executeTakeFirst()
        : undefined;
      if (!result || Number(result.numDeletedRows) === 0) throw notFound('The validation rule');
      await recordAudit(trx, {
        orgId: auth.orgId,
        actorId: auth.userId,
        action: 'validation_rule.deleted',
        targetType: 'validation_rule',
        targetId: id,
        ip,
      });
    });
  }

  return { listModules, getModule, createModule, updateModule, createField, updateField, createValidationRule, deleteValidationRule };
}
