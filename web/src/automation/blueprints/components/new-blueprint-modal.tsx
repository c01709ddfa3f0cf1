import { useEffect, useState } from 'react';
import { Select, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../../components/app-modal';
import { ModalForm } from '../../../settings/components/modal-form';
import { fieldErrorUnder, notifySuccess } from '../../../settings/components/feedback';
import { useModule, useModules } from '../../../records/hooks/use-records';
import { useSaveBlueprint, type Blueprint } from '../api';
import { addState } from '../definition';

/** "New Blueprint": a name, a module and one of its picklist fields; the first picklist value becomes the first state. */
export function NewBlueprintModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (blueprint: Blueprint) => void;
}) {
  const { t } = useTranslation('automationBlueprints');
  const modules = useModules();
  const save = useSaveBlueprint();
  const [name, setName] = useState('');
  const [moduleName, setModuleName] = useState('leads');
  const [field, setField] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const module = useModule(moduleName);
  const picklists = (module.data?.fields ?? []).filter((candidate) => candidate.type === 'picklist' && !candidate.hidden);

  useEffect(() => {
    if (!opened) return;
    save.reset();
    setName('');
    setModuleName('leads');
    setField(null);
    setLocalError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when the dialog opens
  }, [opened]);

  const chosen = picklists.find((candidate) => candidate.apiName === field);
  const handleSubmit = () => {
    if (!name.trim() || !chosen) return setLocalError(t('app:errors.invalidValue'));
    setLocalError(null);
    const first = chosen.options.values?.find((value) => !value.hidden)?.code;
    const definition = first ? addState({ states: [], transitions: [] }, first) : { states: [], transitions: [] };
    save.mutate(
      { input: { name: name.trim(), module: moduleName, field: chosen.apiName, definition, enabled: false } },
      {
        onSuccess: (blueprint) => {
          notifySuccess(t('created', { name: blueprint.name }));
          onClose();
          onCreated(blueprint);
        },
      },
    );
  };

  return (
    <AppModal opened={opened} onClose={onClose} title={t('createTitle')}>
      <ModalForm
        onSubmit={handleSubmit}
        onCancel={onClose}
        error={save.error}
        fields={['name', 'field', 'module']}
        submitLabel={t('app:common.create')}
        submitting={save.isPending}
        intro={
          localError && (
            <Text size="sm" c="red" role="alert">
              {localError}
            </Text>
          )
        }
      >
        <TextInput
          label={t('name')}
          required
          maxLength={200}
          value={name}
          error={fieldErrorUnder(save.error, 'name')}
          onChange={(event) => setName(event.currentTarget.value)}
          data-autofocus
        />
        <Select
          label={t('module')}
          required
          searchable
          data={(modules.data ?? []).map((candidate) => ({ value: candidate.apiName, label: candidate.pluralLabel }))}
          value={moduleName}
          error={fieldErrorUnder(save.error, 'module')}
          onChange={(value) => {
            if (!value) return;
            setModuleName(value);
            setField(null);
          }}
          allowDeselect={false}
        />
        <Select
          label={t('field')}
          description={picklists.length === 0 && module.data ? t('noPicklist') : t('fieldHint')}
          required
          data={picklists.map((candidate) => ({ value: candidate.apiName, label: candidate.label }))}
          value={field}
          error={fieldErrorUnder(save.error, 'field')}
          onChange={setField}
          allowDeselect={false}
        />
      </ModalForm>
    </AppModal>
  );
}
