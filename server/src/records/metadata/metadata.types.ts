import type { FieldType } from './field-types.js';

/** A text in both languages of the UI. */
export interface Labels {
  es: string;
  en: string;
}

export interface PicklistValue {
  /** Stable, language-neutral code used by the API and filters (`closed_won`). */
  code: string;
  labels: Labels;
  /** Hidden values stay valid on existing records but are no longer offered. */
  hidden?: boolean;
  /** Deal stages: the probability of winning (0–100) and the outcome the stage means. */
  probability?: number;
  outcome?: 'open' | 'won' | 'lost';
}

/** Type-specific settings of a field. */
export interface FieldOptions {
  /** Text: the longest value accepted (default 255; long text 32,000). */
  maxLength?: number;
  minLength?: number;
  /** Text: a regular expression (JavaScript syntax) the whole value must match. */
  pattern?: string;
  /** Numbers: bounds (inclusive). */
  min?: number;
  max?: number;
  /** Decimal, currency, percent: digits after the point (default 2). */
  scale?: number;
  /** Picklist and multi-select values, in display order. */
  values?: PicklistValue[];
  /** Lookup: the module it points to. */
  target?: string;
  /** Polymorphic lookup: the field (of this module) holding the target module's API name. */
  targetField?: string;
  /** Auto-number: text before the number (`INV-`), first number. */
  prefix?: string;
  start?: number;
  /** Formula: the expression and the type it returns. */
  expression?: string;
  returnType?: FieldType;
  /** Roll-up: aggregate `fn` of `field` over the records of `module` whose `via` lookup points here. */
  rollup?: { module: string; via: string; fn: 'sum' | 'count' | 'min' | 'max'; field?: string };
}

export interface FieldMeta {
  id: string;
  apiName: string;
  type: FieldType;
  labels: Labels;
  isStandard: boolean;
  /** Set by the server (created_at, updated_at…): shown, never written by users. */
  isSystem: boolean;
  required: boolean;
  unique: boolean;
  defaultValue: unknown;
  /** Hidden by an administrator for everyone: its data stays, it leaves forms, lists and the API. */
  hidden: boolean;
  position: number;
  helpText: string | null;
  options: FieldOptions;
}

export interface LayoutSection {
  key: string;
  labels: Labels;
  /** API names of the fields in this section, in order. */
  fields: string[];
}

export interface ModuleMeta {
  id: string;
  orgId: string;
  apiName: string;
  labels: { es: { singular: string; plural: string }; en: { singular: string; plural: string } };
  isStandard: boolean;
  /** The table in the organization's schema. */
  table: string;
  /** Fields whose values, joined by a space, name a record (first_name + last_name). */
  displayFields: string[];
  /** Fields the global search looks at besides the display fields (each has a trigram index). */
  searchFields: string[];
  position: number;
  hidden: boolean;
  layout: LayoutSection[];
  fields: FieldMeta[];
  /** Record-level validation rules: a record matching `condition` is refused with `message`. */
  validationRules: ValidationRule[];
}

export interface ValidationRule {
  id: string;
  name: string;
  condition: unknown;
  message: string;
  active: boolean;
}

/** Every module of one organization, by API name. */
export interface OrgMetadata {
  orgId: string;
  schema: string;
  modules: Map<string, ModuleMeta>;
}
