import type { ReactNode } from 'react';
import { Group, Stack, Text, Title, type TitleOrder } from '@mantine/core';

/** The title of a form or tab, a badge beside it if any, and one dimmed line about it. */
export function FormHeading({
  title,
  intro,
  order = 2,
  badge,
}: {
  title: ReactNode;
  intro: ReactNode;
  order?: TitleOrder;
  badge?: ReactNode;
}) {
  const heading = <Title order={order}>{title}</Title>;
  return (
    <Stack gap={4}>
      {badge ? (
        <Group gap="sm">
          {heading}
          {badge}
        </Group>
      ) : (
        heading
      )}
      <Text size="sm" c="dimmed">
        {intro}
      </Text>
    </Stack>
  );
}
