import { useState } from 'react';
import { Alert, Anchor, Button, Group, NumberInput, Radio, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage, fieldError } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { useConvertLead, useConvertPreview, useModule, type ConvertResult } from '../hooks/use-crm';

const NEW = 'new';

/**
 * Converting a lead: the account and contact it would reuse (found by the
 * server's duplicate check) or create, an optional deal, then links to what
 * was made. Used by the convert button's dialog and the convert page.
 */
export function LeadConvertForm({ leadId, onDone }: { leadId: string; onDone?: (result: ConvertResult) => void }) {
  const { t, i18n } = useTranslation('crm');
  const preview = useConvertPreview(leadId);
  const deals = useModule('deals');
  const convert = useConvertLead(leadId);
  const [account, setAccount] = useState<string | null>(null);
  const [contact, setContact] = useState<string>(NEW);
  const [withDeal, setWithDeal] = useState(false);
  const [dealName, setDealName] = useState<string | null>(null);
  const [amount, setAmount] = useState<number | string>('');
  const [stage, setStage] = useState<string | null>('qualification');
  const [closeDate, setCloseDate] = useState('');

  if (preview.isPending) return <PageLoader />;
  if (preview.isError) return <Alert color="red">{errorMessage(preview.error, t)}</Alert>;
  const { lead, accounts, contacts } = preview.data;
  if (lead.isConverted && !convert.data) return <Alert color="yellow">{t('convert.alreadyConverted')}</Alert>;

  if (convert.data) {
    const result = convert.data;
    return (
      <Stack gap="sm" data-testid="convert-result">
        <Alert color="green" title={t('convert.done')}>
          <Stack gap={4}>
            <Anchor href={`/records/contacts/${result.contactId}`}>{t('convert.openContact')}</Anchor>
            {result.accountId && <Anchor href={`/records/accounts/${result.accountId}`}>{t('convert.openAccount')}</Anchor>}
            {result.dealId && <Anchor href={`/records/deals/${result.dealId}`}>{t('convert.openDeal')}</Anchor>}
          </Stack>
        </Alert>
      </Stack>
    );
  }

  const chosenAccount = account ?? accounts[0]?.id ?? NEW;
  const stageField = deals.data?.fields.find((f) => f.apiName === 'stage');
  const language = i18n.language === 'en' ? 'en' : 'es';
  const stageOptions = (stageField?.options.values ?? [])
    .filter((v) => !v.hidden)
    .map((v) => ({ value: v.code, label: v.labels[language] }));
  const defaultDealName = lead.company || lead.name;

  const submit = () => {
    const deal: Record<string, unknown> = { name: (dealName ?? defaultDealName).trim() };
    if (amount !== '') deal.amount = amount;
    if (stage) deal.stage = stage;
    if (closeDate) deal.close_date = closeDate;
    convert.mutate(
      {
        accountId: chosenAccount === NEW ? undefined : chosenAccount,
        contactId: contact === NEW ? undefined : contact,
        newAccount: chosenAccount === NEW && accounts.length > 0 ? true : undefined,
        deal: withDeal ? deal : undefined,
      },
      { onSuccess: (result) => onDone?.(result) },
    );
  };

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('convert.intro')}
      </Text>
      <Radio.Group label={t('convert.account')} value={chosenAccount} onChange={setAccount}>
        <Stack gap={6} mt={6}>
          {accounts.map((match) => (
            <Radio key={match.id} value={match.id} label={t('convert.accountExisting', { name: match.name })} />
          ))}
          <Radio value={NEW} label={lead.company ? t('convert.accountNew', { name: lead.company }) : t('convert.accountNone')} />
        </Stack>
      </Radio.Group>
      <Radio.Group label={t('convert.contact')} value={contact} onChange={setContact}>
        <Stack gap={6} mt={6}>
          <Radio value={NEW} label={t('convert.contactNew')} />
          {contacts.map((match) => (
            <Radio key={match.id} value={match.id} label={t('convert.contactExisting', { name: match.name })} />
          ))}
        </Stack>
      </Radio.Group>
      <Switch label={t('convert.createDeal')} checked={withDeal} onChange={(event) => setWithDeal(event.currentTarget.checked)} />
      {withDeal && (
        <Stack gap="sm">
          <TextInput
            label={t('convert.dealName')}
            value={dealName ?? defaultDealName}
            onChange={(event) => setDealName(event.currentTarget.value)}
            error={fieldError(convert.error, 'deal.name')}
          />
          <NumberInput
            label={t('convert.amount')}
            value={amount}
            onChange={setAmount}
            min={0}
            decimalScale={2}
            error={fieldError(convert.error, 'deal.amount')}
          />
          <Select
            label={t('convert.stage')}
            data={stageOptions}
            value={stage}
            onChange={setStage}
            allowDeselect={false}
            error={fieldError(convert.error, 'deal.stage')}
          />
          <TextInput
            type="date"
            label={t('convert.closeDate')}
            value={closeDate}
            onChange={(event) => setCloseDate(event.currentTarget.value)}
            error={fieldError(convert.error, 'deal.close_date')}
          />
        </Stack>
      )}
      {convert.isError && <Alert color="red">{errorMessage(convert.error, t)}</Alert>}
      <Group justify="flex-end">
        <Button onClick={submit} loading={convert.isPending}>
          {t('convert.submit')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The title a convert screen shows. */
export function LeadConvertTitle({ leadId }: { leadId: string }) {
  const { t } = useTranslation('crm');
  const preview = useConvertPreview(leadId);
  return <Title order={2}>{preview.data ? t('convert.pageTitle', { name: preview.data.lead.name }) : t('convert.title')}</Title>;
}
