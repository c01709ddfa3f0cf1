import { useCallback, useMemo, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowRight, IconDeviceFloppy, IconPlus } from '@tabler/icons-react';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../../app/errors';
import { PageLoader } from '../../../components/page-loader';
import { notifyFailure, notifySuccess } from '../../../settings/components/feedback';
import { fromFilter, toFilter } from '../../../records/components/filter-builder';
import { labelOf as labelIn } from '../../../records/format';
import { useModule } from '../../../records/hooks/use-records';
import type { ModuleDetail } from '../../../records/api';
import { CriteriaButton } from '../../components/criteria-button';
import { useBlueprint, useSaveBlueprint, useSetBlueprintEnabled, type Blueprint, type BlueprintDefinition } from '../api';
import { addState, connect, newTransition, removeState, removeTransition, updateState, updateTransition } from '../definition';
import { saveProblems } from '../save-problems';
import { BlueprintCanvas } from '../components/blueprint-canvas';
import { TransitionDrawer } from '../components/transition-drawer';
import { StateDrawer } from '../components/state-drawer';

/** Settings › Blueprints › one Blueprint: the diagram, a keyboard-friendly list beside it, drawers to edit, Save. */
export function BlueprintEditorPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const { t } = useTranslation('automationBlueprints');
  const blueprint = useBlueprint(id);
  if (blueprint.isError) return <Alert color="red">{errorMessage(blueprint.error, t)}</Alert>;
  if (!blueprint.data) return <PageLoader />;
  return <WithModule key={blueprint.data.id} blueprint={blueprint.data} />;
}

function WithModule({ blueprint }: { blueprint: Blueprint }) {
  const { t } = useTranslation('automationBlueprints');
  const module = useModule(blueprint.module);
  if (module.isError) return <Alert color="red">{errorMessage(module.error, t)}</Alert>;
  if (!module.data) return <PageLoader />;
  return <Editor blueprint={blueprint} module={module.data} />;
}

function Editor({ blueprint, module }: { blueprint: Blueprint; module: ModuleDetail }) {
  const { t, i18n } = useTranslation('automationBlueprints');
  const save = useSaveBlueprint();
  const toggle = useSetBlueprintEnabled();
  const [name, setName] = useState(blueprint.name);
  const [criteria, setCriteria] = useState(blueprint.criteria);
  const [definition, setDefinition] = useState<BlueprintDefinition>(blueprint.definition);
  const [dirty, setDirty] = useState(false);
  const [openState, setOpenState] = useState<string | null>(null);
  const [openTransition, setOpenTransition] = useState<string | null>(null);
  const [stateToAdd, setStateToAdd] = useState<string | null>(null);
  const field = module.fields.find((candidate) => candidate.apiName === blueprint.field);
  const fieldValues = useMemo(() => field?.options.values ?? [], [field]);

  const stateLabel = useCallback(
    (value: string) => {
      const option = fieldValues.find((candidate) => candidate.code === value);
      return option ? labelIn(option.labels, i18n.language) : value;
    },
    [fieldValues, i18n.language],
  );
  const stateSubtitle = useCallback(
    (value: string) => {
      const hours = definition.states.find((state) => state.value === value)?.timeLimitHours;
      return hours ? t('stateLimit', { hours }) : null;
    },
    [definition.states, t],
  );

  const edit = (next: BlueprintDefinition) => {
    setDefinition(next);
    setDirty(true);
  };
  // The problems of the last refused save, against the definition that was sent.
  const problems = useMemo(
    () => saveProblems(save.error, (save.variables?.input.definition as BlueprintDefinition | undefined) ?? definition),
    [save.error, save.variables, definition],
  );
  const faulty = useMemo(() => new Set(problems.byPlace.keys()), [problems]);
  const unused = fieldValues.filter((option) => !option.hidden && !definition.states.some((state) => state.value === option.code));
  const stateOptions = definition.states.map((state) => ({ value: state.value, label: stateLabel(state.value) }));

  const handleConnect = (from: string, to: string) => {
    const result = connect(definition, from, to, stateLabel);
    if (result.definition !== definition) edit(result.definition);
    if (result.transitionId) setOpenTransition(result.transitionId);
  };
  const handleNewTransition = () => {
    const [from, to] = definition.states;
    if (!from) return;
    const transition = newTransition(
      to ? stateLabel(to.value) : t('newTransition'),
      from.value,
      (to ?? from).value,
      definition.transitions.map((candidate) => candidate.id),
    );
    edit({ ...definition, transitions: [...definition.transitions, transition] });
    setOpenTransition(transition.id);
  };
  const handleSave = () =>
    save.mutate(
      { id: blueprint.id, input: { name: name.trim(), criteria, definition } },
      {
        onSuccess: () => {
          setDirty(false);
          notifySuccess(t('saved'));
        },
      },
    );

  const transition = definition.transitions.find((candidate) => candidate.id === openTransition) ?? null;
  const state = definition.states.find((candidate) => candidate.value === openState) ?? null;

  return (
    <Stack gap="md">
      <Stack gap={2}>
        <Anchor component={Link} to="/settings/automation/blueprints" size="sm">
          {t('backToList')}
        </Anchor>
        <Title order={2}>{t('editorTitle', { name: blueprint.name })}</Title>
      </Stack>
      <Group justify="space-between" align="flex-end">
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t('name')}
            required
            maxLength={200}
            w={320}
            value={name}
            error={problems.name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setDirty(true);
            }}
          />
          <Badge variant="light" size="lg" mb={4}>
            {module.pluralLabel} · {field?.label ?? blueprint.field}
          </Badge>
        </Group>
        <Group gap="sm">
          {dirty && (
            <Text size="sm" c="dimmed">
              {t('unsaved')}
            </Text>
          )}
          <Switch
            label={t('enabled')}
            checked={toggle.isPending ? (toggle.variables?.enabled ?? blueprint.enabled) : blueprint.enabled}
            disabled={toggle.isPending}
            onChange={(event) =>
              toggle.mutate(
                { id: blueprint.id, enabled: event.currentTarget.checked },
                { onError: (error) => notifyFailure(errorMessage(error, t)) },
              )
            }
          />
          <Button leftSection={<IconDeviceFloppy size={18} />} loading={save.isPending} onClick={handleSave}>
            {t('save')}
          </Button>
        </Group>
      </Group>
      {problems.general.map((message) => (
        <Alert key={message} color="red" role="alert">
          {message}
        </Alert>
      ))}
      {save.error && problems.general.length === 0 && problems.byPlace.size === 0 && !problems.name && (
        <Alert color="red" role="alert">
          {errorMessage(save.error, t)}
        </Alert>
      )}
      <CriteriaButton
        fields={module.fields.filter((candidate) => !candidate.hidden)}
        value={fromFilter(criteria)}
        onApply={(group) => {
          setCriteria(toFilter(group) ?? null);
          setDirty(true);
        }}
        label={t('criteria')}
        emptyLabel={t('criteriaNone')}
      />
      <Box>
        <Paper withBorder radius="md" h={560} style={{ overflow: 'hidden' }} data-testid="blueprint-canvas">
          <BlueprintCanvas
            definition={definition}
            labelOf={stateLabel}
            subtitleOf={stateSubtitle}
            problems={faulty}
            label={t('canvas')}
            onMove={(value, position) => edit(updateState(definition, value, { position }))}
            onConnect={handleConnect}
            onOpenState={setOpenState}
            onOpenTransition={setOpenTransition}
          />
        </Paper>
        <Text size="xs" c="dimmed" mt={4}>
          {t('canvasHint')}
        </Text>
      </Box>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder radius="md" p="md" component="section" aria-label={t('states')}>
          <Title order={4} mb="xs">
            {t('states')}
          </Title>
          <Stack gap={4} role="list">
            {definition.states.map((candidate) => (
              <ListButton
                key={candidate.value}
                title={stateLabel(candidate.value)}
                subtitle={stateSubtitle(candidate.value) ?? t('noLimit')}
                problems={problems.byPlace.get(`state:${candidate.value}`) ?? []}
                onClick={() => setOpenState(candidate.value)}
              />
            ))}
          </Stack>
          <Group gap="xs" mt="sm" align="flex-end">
            <Select
              label={t('addState')}
              placeholder={unused.length === 0 ? t('allStatesUsed') : t('addStateHint')}
              data={unused.map((option) => ({ value: option.code, label: labelIn(option.labels, i18n.language) }))}
              value={stateToAdd}
              onChange={setStateToAdd}
              disabled={unused.length === 0}
              style={{ flex: '1 1 200px' }}
            />
            <Button
              variant="light"
              leftSection={<IconPlus size={16} />}
              disabled={!stateToAdd}
              onClick={() => {
                if (!stateToAdd) return;
                edit(addState(definition, stateToAdd));
                setStateToAdd(null);
              }}
            >
              {t('addState')}
            </Button>
          </Group>
        </Paper>
        <Paper withBorder radius="md" p="md" component="section" aria-label={t('transitions')}>
          <Group justify="space-between" mb="xs">
            <Title order={4}>{t('transitions')}</Title>
            <Button
              size="xs"
              variant="light"
              leftSection={<IconPlus size={14} />}
              disabled={definition.states.length === 0}
              onClick={handleNewTransition}
            >
              {t('newTransition')}
            </Button>
          </Group>
          {definition.transitions.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('noTransitions')}
            </Text>
          ) : (
            <Stack gap={4} role="list">
              {definition.transitions.map((candidate) => (
                <ListButton
                  key={candidate.id}
                  title={candidate.name}
                  subtitle={t('transitionSummary', {
                    from: candidate.from.map(stateLabel).join(', '),
                    to: stateLabel(candidate.to),
                  })}
                  problems={problems.byPlace.get(`transition:${candidate.id}`) ?? []}
                  onClick={() => setOpenTransition(candidate.id)}
                />
              ))}
            </Stack>
          )}
        </Paper>
      </SimpleGrid>
      <TransitionDrawer
        transition={transition}
        states={stateOptions}
        fields={module.fields}
        blueprintField={blueprint.field}
        problems={transition ? (problems.byPlace.get(`transition:${transition.id}`) ?? []) : []}
        onChange={(patch) => transition && edit(updateTransition(definition, transition.id, patch))}
        onRemove={() => {
          if (transition) edit(removeTransition(definition, transition.id));
          setOpenTransition(null);
        }}
        onClose={() => setOpenTransition(null)}
      />
      <StateDrawer
        state={state}
        label={state ? stateLabel(state.value) : ''}
        problems={state ? (problems.byPlace.get(`state:${state.value}`) ?? []) : []}
        onChange={(patch) => state && edit(updateState(definition, state.value, patch))}
        onRemove={() => {
          if (state) edit(removeState(definition, state.value));
          setOpenState(null);
        }}
        onClose={() => setOpenState(null)}
      />
    </Stack>
  );
}

/** A state or transition in the list beside the diagram: a button that opens its drawer, with the server's complaints. */
function ListButton(props: { title: string; subtitle: string; problems: string[]; onClick: () => void }) {
  const { t } = useTranslation('automationBlueprints');
  return (
    <Box role="listitem">
      <UnstyledButton
        onClick={props.onClick}
        w="100%"
        px="xs"
        py={6}
        style={{ borderRadius: 'var(--mantine-radius-sm)', border: '1px solid var(--mantine-color-gray-2)' }}
      >
        <Group justify="space-between" wrap="nowrap">
          <Box style={{ minWidth: 0 }}>
            <Text size="sm" fw={600}>
              {props.title}
            </Text>
            <Text size="xs" c="dimmed">
              {props.subtitle}
            </Text>
          </Box>
          {props.problems.length > 0 ? <Badge color="red">{t('problem')}</Badge> : <IconArrowRight size={14} />}
        </Group>
      </UnstyledButton>
      {props.problems.map((problem) => (
        <Text key={problem} size="xs" c="red" role="alert">
          {problem}
        </Text>
      ))}
    </Box>
  );
}
