import { useState } from 'react';
import { Button, Popover } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { countConditions, FilterBuilder, type FilterGroup } from '../../records/components/filter-builder';
import type { Field } from '../../records/api';

/**
 * A rule's conditions as a button ("Conditions: 2 conditions") that opens the list views' filter builder
 * (assignment entries, escalation rules, scoring field rules). It stays open while values are picked from
 * dropdowns, and closes on Apply, on the button or on Escape.
 */
export function CriteriaButton({
  fields,
  value,
  onApply,
  emptyLabel,
  label,
}: {
  fields: Field[];
  value: FilterGroup;
  onApply: (group: FilterGroup) => void;
  /** What no condition means ("All records"). */
  emptyLabel: string;
  /** The button's name before the count (default "Conditions"). */
  label?: string;
}) {
  const { t } = useTranslation('automation');
  const [opened, setOpened] = useState(false);
  const count = countConditions(value);
  return (
    <Popover opened={opened} onChange={setOpened} closeOnClickOutside={false} position="bottom-start" shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <Button variant="light" color="gray" leftSection={<IconFilter size={16} />} w="fit-content" onClick={() => setOpened((o) => !o)}>
          {label ?? t('assignment.criteria')}: {count === 0 ? emptyLabel : t('assignment.criteriaCount', { count })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <FilterBuilder
          fields={fields}
          value={value}
          onApply={(group) => {
            onApply(group);
            setOpened(false);
          }}
        />
      </Popover.Dropdown>
    </Popover>
  );
}
