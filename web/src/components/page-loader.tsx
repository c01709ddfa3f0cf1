import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A spinner in the middle of the page while its data loads. */
export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Loader aria-label={t('app:common.loading')} />
    </Center>
  );
}
