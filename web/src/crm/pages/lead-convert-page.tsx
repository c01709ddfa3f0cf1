import { Paper, Stack } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { LeadConvertForm, LeadConvertTitle } from '../components/lead-convert-form';

/** /records/leads/:id/convert — the conversion as a page (the lead page's button opens the same form in a dialog). */
export function LeadConvertPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  return (
    <Stack gap="md" maw={720}>
      <LeadConvertTitle leadId={id} />
      <Paper withBorder p="lg" radius="md">
        <LeadConvertForm leadId={id} />
      </Paper>
    </Stack>
  );
}
