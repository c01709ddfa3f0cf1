import { Button, Popover } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { countConditions, FilterBuilder, type FilterGroup } from '../../records/components/filter-builder';
import type { Field } from '../../records/api';

/**
 * A rule's conditions as a button ("Conditions: 2 conditions") that opens the list views' filter builder
 * (assignment entries, scoring field rules).
 */
export function CriteriaButton({
  fields,
  value,
  onApply,
  emptyLabel,
}: {
  fields: Field[];
  value: FilterGroup;
  onApply: (group: FilterGroup) => void;
  /** What no condition means ("All records"). */
  emptyLabel: string;
}) {
  const { t } = useTranslation('automation');
  const count = countConditions(value);
  return (
    <Popover position="bottom-start" shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <Button variant="light" color="gray" leftSection={<IconFilter size={16} />} w="fit-content">
          {t('assignment.criteria')}: {count === 0 ? emptyLabel : t('assignment.criteriaCount', { count })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <FilterBuilder fields={fields} value={value} onApply={onApply} />
      </Popover.Dropdown>
    </Popover>
  );
}
