import { useState } from 'react';
import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { errorMessage, fieldError } from '../../app/errors';
import { useEnterApp, type SignedIn } from '../hooks/use-enter-app';
import { NewPasswordFields, useNewPassword } from './new-password-fields';
import { FormHeading } from '../../components/form-heading';

interface OrganizationFormProps {
  /** '/setup' for the first organization, '/signup' for another one. */
  endpoint: '/setup' | '/signup';
  title: string;
  intro: string;
  submitLabel: string;
}

/** A new organization and its first administrator; on success the administrator is signed in and lands on the home page. */
export function OrganizationForm({ endpoint, title, intro, submitLabel }: OrganizationFormProps) {
  const { t, i18n } = useTranslation('auth');
  const enterApp = useEnterApp();
  const [organization, setOrganization] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const newPassword = useNewPassword({ withConfirmation: false });

  const create = useMutation({
    mutationFn: () =>
      api.post<SignedIn>(endpoint, {
        organization: organization.trim(),
        name: name.trim(),
        email: email.trim(),
        password: newPassword.password,
        language: i18n.language === 'en' ? 'en' : 'es',
      }),
    onSuccess: (signedIn) => enterApp(signedIn),
  });

  const fieldMessage = (field: string) => fieldError(create.error, field);
  const namedField = ['organization', 'name', 'email', 'password'].some((field) => fieldMessage(field));

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (newPassword.check()) create.mutate();
      }}
    >
      <Stack>
        <FormHeading title={title} intro={intro} />
        {create.error && !namedField && (
          <Alert color="red" role="alert">
            {errorMessage(create.error, t)}
          </Alert>
        )}
        <TextInput
          label={t('fields.organization')}
          placeholder={t('fields.organizationPlaceholder')}
          required
          maxLength={120}
          value={organization}
          onChange={(event) => setOrganization(event.currentTarget.value)}
          error={fieldMessage('organization')}
          autoFocus
        />
        <TextInput
          label={t('fields.yourName')}
          autoComplete="name"
          required
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={fieldMessage('name')}
        />
        <TextInput
          label={t('fields.workEmail')}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={fieldMessage('email')}
        />
        <NewPasswordFields {...newPassword.fields} serverError={fieldMessage('password')} />
        <Button type="submit" loading={create.isPending} fullWidth>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
