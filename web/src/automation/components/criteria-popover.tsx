import { Button, Popover } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import type { Field, FilterNode } from '../../records/api';
import { countConditions, FilterBuilder, fromFilter, toFilter } from '../../records/components/filter-builder';

/**
 * A button that shows how many conditions a criteria filter has and opens the list views' filter builder to edit it
 * (case escalation, approval processes and their steps).
 */
export function CriteriaPopover(props: {
  fields: Field[];
  value: FilterNode | null;
  onChange: (value: FilterNode | null) => void;
  /** The button's text: the label before the count, and what it says with no condition. */
  label: string;
  none: string;
  count: (conditions: number) => string;
}) {
  const group = fromFilter(props.value);
  const conditions = countConditions(group);
  return (
    <Popover position="bottom-start" shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <Button variant="light" color="gray" leftSection={<IconFilter size={16} />} w="fit-content">
          {props.label}: {conditions === 0 ? props.none : props.count(conditions)}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <FilterBuilder fields={props.fields} value={group} onApply={(next) => props.onChange(toFilter(next) ?? null)} />
      </Popover.Dropdown>
    </Popover>
  );
}
