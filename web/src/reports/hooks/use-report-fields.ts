import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { recordsApi, type Field, type FieldType } from '../../records/api';
import { labelOf } from '../../records/format';
import { recordsKeys, useModule } from '../../records/hooks/use-records';

/** The fields a user reference exposes to reports (`owner_id.role`): name, e-mail and role. */
const USER_FIELDS: Array<{ apiName: string; type: FieldType; labels: { es: string; en: string } }> = [
  { apiName: 'name', type: 'text', labels: { es: 'Nombre', en: 'Name' } },
  { apiName: 'email', type: 'email', labels: { es: 'Correo electrónico', en: 'E-mail' } },
  { apiName: 'role', type: 'text', labels: { es: 'Rol', en: 'Role' } },
];

function pathField(base: Field, related: Pick<Field, 'apiName' | 'type' | 'options'> & { label: string }): Field {
  return {
    ...base,
    id: `${base.apiName}.${related.apiName}`,
    apiName: `${base.apiName}.${related.apiName}`,
    type: related.type,
    label: `${base.label} › ${related.label}`,
    labels: { es: `${base.labels.es} › ${related.label}`, en: `${base.labels.en} › ${related.label}` },
    options: related.options,
    readOnly: true,
    required: false,
  };
}

/**
 * A module's fields for the report builder: its own visible fields, then one hop through each lookup
 * (`account_id.tier`) and user field (`owner_id.role`), read from the metadata API. Hidden fields never appear.
 */
export function useReportFields(module: string) {
  const { i18n } = useTranslation();
  const detail = useModule(module);
  const own = (detail.data?.fields ?? []).filter((field) => !field.hidden);
  const lookups = own.filter((field) => field.type === 'lookup' && typeof field.options.target === 'string');
  const targets = [...new Set(lookups.map((field) => field.options.target as string))];
  const related = useQueries({
    queries: targets.map((target) => ({
      queryKey: recordsKeys.module(target),
      queryFn: () => recordsApi.module(target),
      staleTime: 30_000,
    })),
  });
  const byTarget = new Map(targets.map((target, index) => [target, related[index]?.data]));
  const paths: Field[] = [];
  for (const field of own) {
    if (field.type === 'lookup') {
      const target = byTarget.get(field.options.target as string);
      for (const candidate of target?.fields ?? []) {
        if (candidate.hidden || candidate.type === 'lookup' || candidate.type === 'long_text') continue;
        paths.push(pathField(field, { ...candidate, label: candidate.label }));
      }
    } else if (field.type === 'user') {
      for (const candidate of USER_FIELDS)
        paths.push(pathField(field, { ...candidate, options: {}, label: labelOf(candidate.labels, i18n.language) }));
    }
  }
  return { module: detail, own, paths, all: [...own, ...paths], isPending: detail.isPending };
}

export const isNumericField = (field: Field) =>
  ['integer', 'decimal', 'currency', 'percent', 'rollup'].includes(
    field.type === 'formula' ? (field.options.returnType ?? 'decimal') : field.type,
  );
export const isDateField = (field: Field) => field.type === 'date' || field.type === 'datetime';
/** Fields one can group by: everything but free text and multi-selects. */
export const isGroupable = (field: Field) => !['long_text', 'multi_select', 'email', 'url', 'phone'].includes(field.type);
