import { useState } from 'react';
import { Button } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { AppModal } from '../../components/app-modal';
import type { Field, FilterNode } from '../../records/api';
import { countConditions, FilterBuilder, fromFilter, toFilter } from '../../records/components/filter-builder';

/**
 * A button that opens the list views' filter builder in a dialog (its pickers open in portals, which a popover would
 * take for clicks outside); the button says how many conditions apply.
 */
export function FilterButton({
  fields,
  value,
  onChange,
  label,
  title,
  size = 'sm',
}: {
  fields: Field[];
  value: FilterNode | undefined;
  onChange: (filter: FilterNode | undefined) => void;
  label: (count: number) => string;
  title: string;
  size?: 'xs' | 'sm';
}) {
  const [opened, setOpened] = useState(false);
  const group = fromFilter(value);
  const count = countConditions(group);
  return (
    <>
      <Button size={size} variant={count > 0 ? 'light' : 'default'} leftSection={<IconFilter size={14} />} onClick={() => setOpened(true)}>
        {label(count)}
      </Button>
      <AppModal opened={opened} onClose={() => setOpened(false)} title={title} size="xl">
        <FilterBuilder
          fields={fields}
          value={group}
          onApply={(next) => {
            onChange(toFilter(next));
            setOpened(false);
          }}
        />
      </AppModal>
    </>
  );
}
