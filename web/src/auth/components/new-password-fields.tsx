import { useState } from 'react';
import { PasswordInput, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export const MIN_PASSWORD_LENGTH = 10;

/** The client-side check of a new password (the server checks again): a message key, or undefined when fine. */
export function passwordProblem(password: string, confirmation?: string): 'password.tooShort' | 'password.mismatch' | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return 'password.tooShort';
  if (confirmation !== undefined && confirmation !== password) return 'password.mismatch';
  return undefined;
}

/**
 * The state behind NewPasswordFields: the password, its repetition when `withConfirmation`,
 * and whether the person already tried to submit (problems show from then on).
 */
export function useNewPassword({ withConfirmation }: { withConfirmation: boolean }) {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [triedSubmit, setTriedSubmit] = useState(false);
  return {
    password,
    triedSubmit,
    /** Marks the attempt; true when the password may go to the server. */
    check(): boolean {
      setTriedSubmit(true);
      return !passwordProblem(password, withConfirmation ? confirmation : undefined);
    },
    reset() {
      setPassword('');
      setConfirmation('');
      setTriedSubmit(false);
    },
    /** Spread into NewPasswordFields. */
    fields: {
      password,
      onPasswordChange: setPassword,
      showProblems: triedSubmit,
      ...(withConfirmation ? { confirmation, onConfirmationChange: setConfirmation } : {}),
    },
  };
}

interface NewPasswordFieldsProps {
  password: string;
  confirmation?: string;
  onPasswordChange: (value: string) => void;
  /** Without it, no confirmation field is shown. */
  onConfirmationChange?: (value: string) => void;
  /** Set once the person tried to submit: then problems show beside the fields. */
  showProblems: boolean;
  /** An error from the server about the password. */
  serverError?: string;
  label?: string;
  confirmationLabel?: string;
  autoFocus?: boolean;
}

/** A new password (with the policy under it) and, optionally, its repetition. */
export function NewPasswordFields({
  password,
  confirmation,
  onPasswordChange,
  onConfirmationChange,
  showProblems,
  serverError,
  label,
  confirmationLabel,
  autoFocus,
}: NewPasswordFieldsProps) {
  const { t } = useTranslation('auth');
  const problem = showProblems ? passwordProblem(password, onConfirmationChange ? confirmation : undefined) : undefined;
  return (
    <Stack gap="sm">
      <PasswordInput
        label={label ?? t('fields.password')}
        description={t('password.policy')}
        autoComplete="new-password"
        required
        value={password}
        onChange={(event) => onPasswordChange(event.currentTarget.value)}
        error={problem === 'password.tooShort' ? t(problem) : serverError}
        autoFocus={autoFocus}
      />
      {onConfirmationChange && (
        <PasswordInput
          label={confirmationLabel ?? t('fields.confirmPassword')}
          autoComplete="new-password"
          required
          value={confirmation ?? ''}
          onChange={(event) => onConfirmationChange(event.currentTarget.value)}
          error={problem === 'password.mismatch' ? t(problem) : undefined}
        />
      )}
    </Stack>
  );
}
