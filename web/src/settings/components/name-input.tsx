import { useState } from 'react';
import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A required name: its text, and whether an empty submit marked it as missing. */
export function useRequiredName(initial: string) {
  const [value, setValue] = useState(initial);
  const [missing, setMissing] = useState(false);
  return {
    value,
    missing,
    change(next: string) {
      setValue(next);
      setMissing(false);
    },
    /** The trimmed name, or null (and the field marked) when it is blank. */
    take(): string | null {
      const trimmed = value.trim();
      setMissing(!trimmed);
      return trimmed || null;
    },
  };
}

/** The first field of a settings dialog: a required name, focused when the dialog opens. */
export function NameInput({ label, name, serverError }: { label: string; name: ReturnType<typeof useRequiredName>; serverError?: string }) {
  const { t } = useTranslation('settings');
  return (
    <TextInput
      label={label}
      required
      value={name.value}
      onChange={(event) => name.change(event.currentTarget.value)}
      error={name.missing ? t('validation.required') : serverError}
      maxLength={100}
      data-autofocus
    />
  );
}
