import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language } from '../app/i18n';

/** Switches the interface language on this browser (signed-in users also save it in My account). */
export function LanguagePicker({ onChange }: { onChange?: (language: Language) => void }) {
  const { i18n, t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('userMenu.language')}
      value={i18n.language}
      data={LANGUAGES.map((language) => ({ value: language, label: t(`languages.${language}`) }))}
      onChange={(value) => {
        changeLanguage(value as Language);
        onChange?.(value as Language);
      }}
    />
  );
}
