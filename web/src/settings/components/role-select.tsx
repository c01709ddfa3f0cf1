import { useMemo } from 'react';
import { Select, Text, type SelectProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { roleDepths, roleOptions, type Role } from '../hooks/use-roles';

interface RoleSelectProps extends Omit<SelectProps, 'data'> {
  roles: Role[];
  /** Roles that may not be picked (a role and those below it, when choosing its parent). */
  exclude?: Set<string>;
}

/** A role picker whose options are indented like the hierarchy; the chosen value shows the plain name. */
export function RoleSelect({ roles, exclude, ...props }: RoleSelectProps) {
  const { t } = useTranslation('settings');
  const depths = useMemo(() => roleDepths(roles), [roles]);
  return (
    <Select
      data={roleOptions(roles, exclude)}
      searchable
      nothingFoundMessage={t('nothingFound')}
      renderOption={({ option }) => (
        <Text size="sm" pl={(depths.get(option.value) ?? 0) * 14}>
          {option.label}
        </Text>
      )}
      {...props}
    />
  );
}
