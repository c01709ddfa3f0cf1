import { useState } from 'react';
import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Field } from '../../records/api';

/** Merge fields of a webhook body besides the module's own, with their label keys (server: workflow.merge.ts). */
const OTHER = [
  ['record.id', 'recordId'],
  ['owner.name', 'ownerName'],
  ['owner.email', 'ownerEmail'],
  ['me.name', 'meName'],
  ['me.email', 'meEmail'],
  ['rule.id', 'ruleId'],
  ['rule.name', 'ruleName'],
  ['trigger', 'trigger'],
  ['module', 'module'],
] as const;

/** Puts `snippet` in place of the selection of a text input (or at its end when it has none). */
export function insertAtCursor(text: string, element: HTMLTextAreaElement | null, snippet: string): { text: string; cursor: number } {
  const start = element?.selectionStart ?? text.length;
  const end = element?.selectionEnd ?? start;
  return { text: text.slice(0, start) + snippet + text.slice(end), cursor: start + snippet.length };
}

/**
 * A searchable list of the merge fields a webhook body may use — each field's API value (`{{record.x}}`), its
 * readable value (`{{x}}`: labels, names), and the rule's, owner's and trigger's — that hands the chosen
 * `{{…}}` to `onPick`.
 */
export function MergeFieldPicker({ fields, onPick }: { fields: Field[]; onPick: (snippet: string) => void }) {
  const { t } = useTranslation('automation');
  const [search, setSearch] = useState('');
  const visible = fields.filter((field) => !field.hidden);
  const pick = (name: string | null) => {
    // The list is a command, not a value: it empties itself for the next one.
    setSearch('');
    if (name) onPick(`{{${name}}}`);
  };
  return (
    <Select
      aria-label={t('actionEditor.merge.insert')}
      placeholder={t('actionEditor.merge.insert')}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      value={null}
      onChange={pick}
      data={[
        {
          group: t('actionEditor.merge.groups.api'),
          items: visible.map((field) => ({ value: `record.${field.apiName}`, label: `${field.label} · record.${field.apiName}` })),
        },
        {
          group: t('actionEditor.merge.groups.display'),
          items: visible.map((field) => ({ value: field.apiName, label: `${field.label} · ${field.apiName}` })),
        },
        {
          group: t('actionEditor.merge.groups.other'),
          items: OTHER.map(([value, key]) => ({ value, label: `${t(`actionEditor.merge.other.${key}`)} · ${value}` })),
        },
      ]}
      w={320}
    />
  );
}
