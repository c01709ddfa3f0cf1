import { useState, type ReactNode } from 'react';
import { ActionIcon, Button, Group, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';

let lastRowKey = 0;

/** A key for a new row, unique for this page's life (rows have no id until saved). */
export function nextRowKey(): number {
  return ++lastRowKey;
}

/** Rows edited in place: change one by key, remove one, add one, or replace them all. */
export function useEditableRows<Row extends { key: number }>(initial: () => Row[]) {
  const [rows, setRows] = useState<Row[]>(initial);
  return {
    rows,
    setRows,
    change: (key: number, patch: Partial<Row>) =>
      setRows((previous) => previous.map((row) => (row.key === key ? { ...row, ...patch } : row))),
    remove: (key: number) => setRows((previous) => previous.filter((other) => other.key !== key)),
    add: (row: Row) => setRows((previous) => [...previous, row]),
  };
}

interface EditableRowsProps<Row extends { key: number }> {
  rows: Row[];
  /** Shown instead of the rows when there are none. */
  emptyText: ReactNode;
  /** The column titles, shown from the `sm` breakpoint up. */
  header: ReactNode;
  /** The inputs of one row. */
  children: (row: Row, index: number) => ReactNode;
  removeLabel: (row: Row) => string;
  onRemove: (row: Row) => void;
  addLabel: string;
  onAdd: () => void;
  rowTestId: string;
  /** A thin line between rows. */
  divided?: boolean;
}

/** A list of rows with a remove button each and an "add" button under them. */
export function EditableRows<Row extends { key: number }>({
  rows,
  emptyText,
  header,
  children,
  removeLabel,
  onRemove,
  addLabel,
  onAdd,
  rowTestId,
  divided,
}: EditableRowsProps<Row>) {
  return (
    <>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {emptyText}
        </Text>
      ) : (
        <Stack gap="xs">
          <Group gap="sm" visibleFrom="sm" wrap="nowrap" pr={40}>
            {header}
          </Group>
          {rows.map((row, index) => (
            <Group
              key={row.key}
              gap="sm"
              align="flex-start"
              wrap="nowrap"
              data-testid={rowTestId}
              pt={divided && index > 0 ? 'xs' : undefined}
              style={divided && index > 0 ? { borderTop: '1px solid var(--mantine-color-gray-2)' } : undefined}
            >
              <Group gap="sm" align="flex-start" style={{ flex: 1 }} wrap="wrap">
                {children(row, index)}
              </Group>
              <ActionIcon mt={4} variant="subtle" color="red" aria-label={removeLabel(row)} onClick={() => onRemove(row)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
        </Stack>
      )}
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={onAdd}>
          {addLabel}
        </Button>
      </Group>
    </>
  );
}
