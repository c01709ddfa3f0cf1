import type { Field, LayoutSection, ModuleDetail } from '../api';

/** The layout sections with their fields resolved; fields in no section go to a last "other" section. */
export function sectionsOf(module: ModuleDetail, otherLabel: string): Array<{ key: string; label: string; fields: Field[] }> {
  const byName = new Map(module.fields.map((field) => [field.apiName, field]));
  const placed = new Set<string>();
  const sections = module.layout.map((section: LayoutSection) => {
    const fields = section.fields.map((name) => byName.get(name)).filter((field): field is Field => !!field);
    fields.forEach((field) => placed.add(field.apiName));
    return { key: section.key, label: section.label, fields };
  });
  const rest = module.fields.filter((field) => !placed.has(field.apiName) && !field.isSystem);
  if (rest.length > 0) sections.push({ key: '_other', label: otherLabel, fields: rest });
  return sections.filter((section) => section.fields.length > 0);
}
