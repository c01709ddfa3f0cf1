import { useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  ActionIcon,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { useCreateSurvey, useSurveys, type Question, type SurveyType } from '../api';

/** /kam/surveys — the surveys with their answers, and the builder of a new one. */
export function SurveysPage() {
  const { t } = useTranslation('kam');
  const surveys = useSurveys();
  const [building, setBuilding] = useState(false);
  if (surveys.error instanceof ApiError && surveys.error.status === 403) return <Alert color="yellow">{t('surveys.forbidden')}</Alert>;
  if (surveys.isError) return <Alert color="red">{errorMessage(surveys.error, t)}</Alert>;
  if (!surveys.data) return <PageLoader />;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2}>{t('surveys.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('surveys.intro')}
          </Text>
        </Stack>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setBuilding(true)}>
          {t('surveys.new')}
        </Button>
      </Group>
      <Paper withBorder radius="md">
        {surveys.data.data.length === 0 ? (
          <Text p="md" c="dimmed" size="sm">
            {t('surveys.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('surveys.name')}</Table.Th>
                  <Table.Th>{t('surveys.type')}</Table.Th>
                  <Table.Th />
                  <Table.Th ta="right">{t('surveys.invited')}</Table.Th>
                  <Table.Th ta="right">{t('surveys.answered')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {surveys.data.data.map((survey) => (
                  <Table.Tr key={survey.id}>
                    <Table.Td>
                      <Anchor component={Link} to="/kam/surveys/$id" params={{ id: survey.id } as never}>
                        {survey.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t(`types.${survey.type}`)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={survey.status === 'sent' ? 'green' : 'gray'}>
                        {t(`status.${survey.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">{survey.invited}</Table.Td>
                    <Table.Td ta="right">{survey.answered}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <SurveyBuilder opened={building} onClose={() => setBuilding(false)} />
    </Stack>
  );
}

interface DraftQuestion {
  label: string;
  kind: Question['kind'];
  options: string;
  required: boolean;
}

/** Name, type and custom questions; question ids come from their position (q1, q2…). */
function SurveyBuilder({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation('kam');
  const navigate = useNavigate();
  const create = useCreateSurvey();
  const [name, setName] = useState('');
  const [type, setType] = useState<SurveyType>('nps');
  const [questions, setQuestions] = useState<DraftQuestion[]>([]);
  const change = (index: number, patch: Partial<DraftQuestion>) =>
    setQuestions((list) => list.map((q, i) => (i === index ? { ...q, ...patch } : q)));
  const fieldError = (field: string) =>
    create.error instanceof ApiError && create.error.field === field ? errorMessage(create.error, t) : undefined;

  const submit = () =>
    create.mutate(
      {
        name,
        type,
        questions: questions.map((q, index) => ({
          id: `q${index + 1}`,
          label: q.label,
          kind: q.kind,
          required: q.required,
          ...(q.kind === 'choice'
            ? {
                options: q.options
                  .split('\n')
                  .map((o) => o.trim())
                  .filter(Boolean),
              }
            : {}),
        })),
      },
      {
        onSuccess: (survey) => {
          notifications.show({ color: 'green', message: t('surveys.created') });
          onClose();
          setName('');
          setQuestions([]);
          void navigate({ to: '/kam/surveys/$id', params: { id: survey.id } as never });
        },
      },
    );

  return (
    <Modal opened={opened} onClose={onClose} title={t('surveys.new')} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t('surveys.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError('name')}
          />
          <Select
            label={t('surveys.type')}
            data={(['nps', 'csat', 'enps'] as const).map((value) => ({ value, label: t(`types.${value}`) }))}
            value={type}
            onChange={(value) => value && setType(value as SurveyType)}
            allowDeselect={false}
          />
          <Text fw={600} size="sm">
            {t('surveys.questions')}
          </Text>
          {questions.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('surveys.noQuestions')}
            </Text>
          )}
          {questions.map((question, index) => (
            <Paper key={index} withBorder p="sm" radius="sm">
              <Stack gap="xs">
                <Group align="flex-end" wrap="nowrap">
                  <TextInput
                    flex={1}
                    label={t('surveys.questionLabel')}
                    required
                    value={question.label}
                    onChange={(e) => change(index, { label: e.currentTarget.value })}
                    error={fieldError(`questions[${index}].label`)}
                  />
                  <Select
                    w={150}
                    label={t('surveys.questionKind')}
                    data={(['text', 'scale', 'choice'] as const).map((value) => ({ value, label: t(`surveys.kinds.${value}`) }))}
                    value={question.kind}
                    onChange={(value) => value && change(index, { kind: value as Question['kind'] })}
                    allowDeselect={false}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={t('surveys.removeQuestion')}
                    onClick={() => setQuestions((list) => list.filter((_, i) => i !== index))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
                {question.kind === 'choice' && (
                  <Textarea
                    label={t('surveys.options')}
                    autosize
                    minRows={2}
                    value={question.options}
                    onChange={(e) => change(index, { options: e.currentTarget.value })}
                    error={fieldError(`questions[${index}].options`)}
                  />
                )}
                <Checkbox
                  label={t('surveys.required')}
                  checked={question.required}
                  onChange={(e) => change(index, { required: e.currentTarget.checked })}
                />
              </Stack>
            </Paper>
          ))}
          <Group justify="space-between">
            <Button
              variant="default"
              leftSection={<IconPlus size={14} />}
              onClick={() => setQuestions((list) => [...list, { label: '', kind: 'text', options: '', required: false }])}
              disabled={questions.length >= 20}
            >
              {t('surveys.addQuestion')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('surveys.create')}
            </Button>
          </Group>
          {create.isError && !(create.error instanceof ApiError && create.error.field) && (
            <Alert color="red">{errorMessage(create.error, t)}</Alert>
          )}
        </Stack>
      </form>
    </Modal>
  );
}
