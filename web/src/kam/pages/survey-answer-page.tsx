import { useState } from 'react';
import { Alert, Button, Group, Radio, SegmentedControl, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage } from '../../app/errors';
import { PageLoader } from '../../components/page-loader';
import { publicSurveyApi, type PublicSurvey } from '../api';

/** /survey?token=… — the public answer page (no sign-in): the score, the custom questions, one answer per link. */
export function SurveyAnswerPage() {
  const { t } = useTranslation('kam');
  const { token } = useSearch({ strict: false }) as { token?: string };
  const survey = useQuery({
    queryKey: ['public-survey', token],
    queryFn: () => publicSurveyApi.get(token!),
    enabled: !!token,
    retry: false,
  });
  if (!token || survey.isError) return <Alert color="yellow">{t('answer.invalid')}</Alert>;
  if (!survey.data) return <PageLoader />;
  return <AnswerForm token={token} survey={survey.data} />;
}

function AnswerForm({ token, survey }: { token: string; survey: PublicSurvey }) {
  const { i18n } = useTranslation('kam');
  const t = i18n.getFixedT(survey.language, 'kam');
  const [score, setScore] = useState<number | null>(null);
  const [answers, setAnswers] = useState<Record<string, string | number>>({});
  const answer = useMutation({ mutationFn: () => publicSurveyApi.answer({ token, score: score!, answers }) });
  const conflict = answer.error instanceof ApiError && answer.error.status === 409 ? answer.error : null;
  if (survey.closed || conflict?.details?.reason === 'survey_closed')
    return (
      <Alert color="gray" role="status">
        {t('answer.closed', { organization: survey.organization })}
      </Alert>
    );
  if (survey.answered || conflict) return <Alert color="blue">{t('answer.already')}</Alert>;
  if (answer.isSuccess)
    return (
      <Alert color="green" role="status">
        {t('answer.thanks')}
      </Alert>
    );
  const isCsat = survey.type === 'csat';
  const scores = isCsat ? [1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const missingRequired = survey.questions.some((q) => q.required && (answers[q.id] === undefined || answers[q.id] === ''));
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (score !== null) answer.mutate();
      }}
    >
      <Stack gap="md">
        <Stack gap={2}>
          <Text size="sm" c="dimmed">
            {survey.name}
          </Text>
          <Title order={3}>{t('answer.title', { organization: survey.organization })}</Title>
        </Stack>
        <Stack gap="xs" role="radiogroup" aria-label={t(`answer.${survey.type}`)}>
          <Text fw={600}>{t(`answer.${survey.type}`)}</Text>
          <SimpleGrid cols={{ base: isCsat ? 5 : 6, xs: scores.length }} spacing={4}>
            {scores.map((value) => (
              <Button
                key={value}
                role="radio"
                aria-checked={score === value}
                variant={score === value ? 'filled' : 'default'}
                px={0}
                onClick={() => setScore(value)}
              >
                {value}
              </Button>
            ))}
          </SimpleGrid>
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {isCsat ? t('answer.csatLow') : t('answer.low')}
            </Text>
            <Text size="xs" c="dimmed">
              {isCsat ? t('answer.csatHigh') : t('answer.high')}
            </Text>
          </Group>
        </Stack>
        {survey.questions.map((question) =>
          question.kind === 'text' ? (
            <Textarea
              key={question.id}
              label={question.label}
              required={question.required}
              autosize
              minRows={2}
              maxLength={2000}
              value={(answers[question.id] as string) ?? ''}
              onChange={({ currentTarget: { value } }) => setAnswers((a) => ({ ...a, [question.id]: value }))}
            />
          ) : question.kind === 'scale' ? (
            <Stack key={question.id} gap={4}>
              <Text size="sm" fw={500}>
                {question.label}
              </Text>
              <SegmentedControl
                fullWidth
                data={['1', '2', '3', '4', '5']}
                value={answers[question.id] === undefined ? '' : String(answers[question.id])}
                onChange={(value) => setAnswers((a) => ({ ...a, [question.id]: Number(value) }))}
              />
            </Stack>
          ) : (
            <Radio.Group
              key={question.id}
              label={question.label}
              required={question.required}
              value={(answers[question.id] as string) ?? null}
              onChange={(value) => setAnswers((a) => ({ ...a, [question.id]: value }))}
            >
              <Stack gap={6} mt={6}>
                {(question.options ?? []).map((option) => (
                  <Radio key={option} value={option} label={option} />
                ))}
              </Stack>
            </Radio.Group>
          ),
        )}
        {answer.isError && <Alert color="red">{errorMessage(answer.error, t)}</Alert>}
        <Button type="submit" disabled={score === null || missingRequired} loading={answer.isPending} fullWidth>
          {score === null ? t('answer.pickScore') : t('answer.submit')}
        </Button>
      </Stack>
    </form>
  );
}
