import type { ReactNode } from 'react';
import { Code, Group, Select, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { useModules } from '../../records/hooks/use-records';

/** What a rule editor shows above its fields: the local check's message, or the part of the rule the server refused. */
export function ruleFormIntro(localError: string | null, error: unknown): ReactNode {
  const badPart = error instanceof ApiError ? error.field : undefined;
  if (!localError && !badPart) return null;
  return (
    <Text size="sm" c="red" role="alert">
      {localError ?? <Code>{badPart}</Code>}
    </Text>
  );
}

/** A rule's name, module (fixed once saved) and description (workflow rules, approval processes). */
export function RuleBasics(props: {
  name: string;
  module: string;
  description: string | null;
  moduleLocked: boolean;
  onChange: (patch: { name?: string; module?: string; description?: string | null }) => void;
}) {
  const { t } = useTranslation('automation');
  const modules = useModules();
  return (
    <>
      <Group grow align="flex-start">
        <TextInput
          label={t('editor.name')}
          required
          maxLength={200}
          value={props.name}
          onChange={(event) => props.onChange({ name: event.currentTarget.value })}
        />
        <Select
          label={t('editor.module')}
          required
          searchable
          disabled={props.moduleLocked}
          data={(modules.data ?? []).map((candidate) => ({ value: candidate.apiName, label: candidate.pluralLabel }))}
          value={props.module}
          onChange={(value) => value && props.onChange({ module: value })}
          allowDeselect={false}
        />
      </Group>
      <Textarea
        label={t('editor.description')}
        autosize
        minRows={1}
        maxLength={2000}
        value={props.description ?? ''}
        onChange={(event) => props.onChange({ description: event.currentTarget.value || null })}
      />
    </>
  );
}
