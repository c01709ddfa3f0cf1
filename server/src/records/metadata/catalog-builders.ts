import type { FieldType } from './field-types.js';
import type { FieldOptions, Labels, PicklistValue } from './metadata.types.js';

/** A standard field as the catalog declares it (ids and positions are given when it is provisioned). */
export interface CatalogField {
  apiName: string;
  type: FieldType;
  labels: Labels;
  required?: boolean;
  unique?: boolean;
  defaultValue?: unknown;
  system?: boolean;
  options?: FieldOptions;
}

export interface CatalogModule {
  apiName: string;
  labels: { es: { singular: string; plural: string }; en: { singular: string; plural: string } };
  displayFields: string[];
  /** Fields the global search looks at besides the name (the display fields): e-mail, phone, codes… */
  searchFields?: string[];
  /** Sections of the record page: key, labels, field API names. */
  sections: Array<{ key: string; labels: Labels; fields: string[] }>;
  fields: CatalogField[];
  /**
   * Extra composite indexes over live rows (`[['account_id', 'closed_at'], …]`), for the queries features run
   * over the module (the KPI engine's ranges by account and date). Created with IF NOT EXISTS for new and
   * existing organizations.
   */
  indexes?: string[][];
}

type Extra = Omit<CatalogField, 'apiName' | 'type' | 'labels'>;

/** `f('first_name', 'text', 'Nombre', 'First name', { required: true })` */
export function f(apiName: string, type: FieldType, es: string, en: string, extra: Extra = {}): CatalogField {
  return { apiName, type, labels: { es, en }, ...extra };
}

/** A picklist value: `v('closed_won', 'Ganada', 'Closed won', { probability: 100, outcome: 'won' })`. */
export function v(code: string, es: string, en: string, extra: Omit<PicklistValue, 'code' | 'labels'> = {}): PicklistValue {
  return { code, labels: { es, en }, ...extra };
}

export const picklist = (apiName: string, es: string, en: string, values: PicklistValue[], extra: Extra = {}) =>
  f(apiName, 'picklist', es, en, { ...extra, options: { ...extra.options, values } });

export const lookup = (apiName: string, target: string, es: string, en: string, extra: Extra = {}) =>
  f(apiName, 'lookup', es, en, { ...extra, options: { ...extra.options, target } });

export const section = (key: string, es: string, en: string, fields: string[]) => ({ key, labels: { es, en }, fields });

export const plural = (esSingular: string, esPlural: string, enSingular: string, enPlural: string) => ({
  es: { singular: esSingular, plural: esPlural },
  en: { singular: enSingular, plural: enPlural },
});

/** Fields every record has: the owner and the server's timestamps. */
export const SYSTEM_FIELDS: CatalogField[] = [
  f('owner_id', 'user', 'Propietario', 'Owner', { required: true }),
  f('created_at', 'datetime', 'Fecha de creación', 'Created at', { system: true }),
  f('updated_at', 'datetime', 'Última modificación', 'Updated at', { system: true }),
  f('created_by', 'user', 'Creado por', 'Created by', { system: true }),
  f('updated_by', 'user', 'Modificado por', 'Updated by', { system: true }),
];

/** Where an activity or note belongs: any record of any module (polymorphic lookup). */
export const RELATED_TO: CatalogField[] = [
  f('related_module', 'text', 'Módulo relacionado', 'Related module', { options: { maxLength: 63 } }),
  f('related_id', 'lookup', 'Relacionado con', 'Related to', { options: { targetField: 'related_module' } }),
];

export const LEAD_SOURCES: PicklistValue[] = [
  v('advertisement', 'Publicidad', 'Advertisement'),
  v('cold_call', 'Llamada en frío', 'Cold call'),
  v('employee_referral', 'Referencia de empleado', 'Employee referral'),
  v('external_referral', 'Referencia externa', 'External referral'),
  v('customer_referral', 'Referencia de cliente', 'Customer referral'),
  v('partner', 'Socio', 'Partner'),
  v('web', 'Web', 'Web'),
  v('web_form', 'Formulario web', 'Web form'),
  v('trade_show', 'Feria', 'Trade show'),
  v('seminar', 'Seminario', 'Seminar'),
  v('email', 'Correo electrónico', 'E-mail'),
  v('social_media', 'Redes sociales', 'Social media'),
  v('chat', 'Chat', 'Chat'),
  v('other', 'Otro', 'Other'),
];

export const INDUSTRIES: PicklistValue[] = [
  v('technology', 'Tecnología', 'Technology'),
  v('manufacturing', 'Fabricación', 'Manufacturing'),
  v('logistics', 'Logística', 'Logistics'),
  v('food_beverage', 'Alimentación y bebidas', 'Food & beverage'),
  v('retail', 'Comercio minorista', 'Retail'),
  v('finance', 'Finanzas', 'Finance'),
  v('healthcare', 'Sanidad', 'Healthcare'),
  v('education', 'Educación', 'Education'),
  v('energy', 'Energía', 'Energy'),
  v('construction', 'Construcción', 'Construction'),
  v('hospitality', 'Hostelería y turismo', 'Hospitality'),
  v('public_sector', 'Sector público', 'Public sector'),
  v('consulting', 'Consultoría', 'Consulting'),
  v('telecommunications', 'Telecomunicaciones', 'Telecommunications'),
  v('other', 'Otro', 'Other'),
];

export const ADDRESS = (prefix = ''): CatalogField[] => [
  f(`${prefix}street`, 'text', 'Calle', 'Street'),
  f(`${prefix}city`, 'text', 'Ciudad', 'City'),
  f(`${prefix}state`, 'text', 'Provincia', 'State'),
  f(`${prefix}postal_code`, 'text', 'Código postal', 'Postal code', { options: { maxLength: 20 } }),
  f(`${prefix}country`, 'text', 'País', 'Country'),
];
