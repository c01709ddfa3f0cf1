import type { ReactNode } from 'react';
import { ActionIcon, Tooltip, type ActionIconProps } from '@mantine/core';

interface TooltipIconButtonProps extends Omit<ActionIconProps, 'children'> {
  /** The short word shown on hover. */
  tooltip: ReactNode;
  /** The button's accessible name, usually longer than the tooltip (it names the row). */
  label: string;
  icon: ReactNode;
  onClick: () => void;
}

/** A subtle icon button with a tooltip and its own accessible name, for the actions at the end of a row. */
export function TooltipIconButton({ tooltip, label, icon, onClick, variant = 'subtle', ...props }: TooltipIconButtonProps) {
  return (
    <Tooltip label={tooltip}>
      <ActionIcon variant={variant} {...props} aria-label={label} onClick={onClick}>
        {icon}
      </ActionIcon>
    </Tooltip>
  );
}
