import { useState } from 'react';
import { Button, Popover } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import type { Field, FilterNode } from '../../records/api';
import { countConditions, FilterBuilder, fromFilter, toFilter } from '../../records/components/filter-builder';

/** A button that opens the list views' filter builder; the label says how many conditions apply. */
export function FilterPopover({
  fields,
  value,
  onChange,
  label,
  size = 'sm',
}: {
  fields: Field[];
  value: FilterNode | undefined;
  onChange: (filter: FilterNode | undefined) => void;
  label: (count: number) => string;
  size?: 'xs' | 'sm';
}) {
  const [opened, setOpened] = useState(false);
  const group = fromFilter(value);
  const count = countConditions(group);
  return (
    <Popover opened={opened} onChange={setOpened} width={720} position="bottom-start" shadow="md" trapFocus>
      <Popover.Target>
        <Button
          size={size}
          variant={count > 0 ? 'light' : 'default'}
          leftSection={<IconFilter size={14} />}
          onClick={() => setOpened((open) => !open)}
        >
          {label(count)}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <FilterBuilder
          fields={fields}
          value={group}
          onApply={(next) => {
            onChange(toFilter(next));
            setOpened(false);
          }}
        />
      </Popover.Dropdown>
    </Popover>
  );
}
