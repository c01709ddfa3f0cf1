import { useState } from 'react';
import { Button } from '@mantine/core';
import { IconArrowsRightLeft } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/app-modal';
import { LeadConvertForm } from './lead-convert-form';

/** "Convertir" on a lead's page: opens the conversion dialog. Mount it in the lead record page's actions. */
export function LeadConvertButton({ leadId, disabled }: { leadId: string; disabled?: boolean }) {
  const { t } = useTranslation('crm');
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button leftSection={<IconArrowsRightLeft size={16} />} onClick={() => setOpened(true)} disabled={disabled}>
        {t('convert.button')}
      </Button>
      <AppModal opened={opened} onClose={() => setOpened(false)} title={t('convert.title')} size="lg">
        {opened && <LeadConvertForm leadId={leadId} />}
      </AppModal>
    </>
  );
}
