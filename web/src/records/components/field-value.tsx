import { Anchor, Badge, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';
import type { Display, Field, RecordData } from '../api';
import { formatValue, picklistLabel } from '../format';

/** Formatting context of the signed-in user: UI language, org currency, time zone. */
export function useFormatContext(display: Display = {}) {
  const { i18n } = useTranslation();
  const me = useMe();
  return {
    language: i18n.language,
    currency: me.data?.organization.currency ?? 'EUR',
    timeZone: me.data?.user.timeZone || me.data?.organization.timeZone || undefined,
    display,
  };
}

/** A field's value for reading: lookups link to the record, picklists show their label, money its currency. */
export function FieldValue({ field, record, display }: { field: Field; record: RecordData; display: Display }) {
  const context = useFormatContext(display);
  const value = record[field.apiName];
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return (
      <Text span c="dimmed">
        —
      </Text>
    );
  }
  if (field.type === 'lookup') {
    const target = field.options.target ?? (field.options.targetField ? (record[field.options.targetField] as string) : undefined);
    const name = display[String(value)] ?? String(value);
    return target ? (
      <Anchor
        component={Link}
        to="/records/$module/$id"
        params={{ module: target, id: String(value) } as never}
        size="sm"
        onClick={(e) => e.stopPropagation()}
      >
        {name}
      </Anchor>
    ) : (
      <Text span size="sm">
        {name}
      </Text>
    );
  }
  if (field.type === 'picklist') {
    return (
      <Badge variant="light" tt="none" radius="sm">
        {picklistLabel(field, value, context.language)}
      </Badge>
    );
  }
  if (field.type === 'email')
    return (
      <Anchor href={`mailto:${String(value)}`} size="sm" onClick={(e) => e.stopPropagation()}>
        {String(value)}
      </Anchor>
    );
  if (field.type === 'url')
    return (
      <Anchor href={String(value)} target="_blank" rel="noreferrer" size="sm" onClick={(e) => e.stopPropagation()}>
        {String(value)}
      </Anchor>
    );
  return (
    <Text span size="sm" style={{ whiteSpace: field.type === 'long_text' ? 'pre-wrap' : undefined }}>
      {formatValue(field, value, context, record)}
    </Text>
  );
}
