import { Stack, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LineItemsEditor } from './line-items-editor';
import { isDocumentModule } from './use-line-items';

/** /records/{module}/{id}/items: the line items of one document, until the record page mounts the editor itself. */
export function LineItemsPage() {
  const { t } = useTranslation('inventory');
  const { module, id } = useParams({ strict: false }) as { module: string; id: string };
  return (
    <Stack gap="lg" p={{ base: 'md', sm: 'lg' }}>
      {isDocumentModule(module) && <Title order={2}>{t(`modules.${module}`)}</Title>}
      <LineItemsEditor module={module} recordId={id} />
    </Stack>
  );
}
